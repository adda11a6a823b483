/**
 * CSV export rows: RFC 4180 quoting and CRLF line ends, with cells that a spreadsheet would
 * run as a formula neutralised (OWASP's advice: prefix `= + - @`, tab and CR with a quote).
 */
import type { EventRow } from './event-store.js'

/** The export's columns, in order. Objects and arrays are written as compact JSON. */
export const CSV_COLUMNS = [
  'id',
  'seq',
  'occurred_at',
  'ingested_at',
  'action',
  'actor_type',
  'actor_id',
  'actor_name',
  'targets',
  'context',
  'metadata',
  'payload_hash',
  'signature',
  'key_id',
] as const

/** One cell, safe to open in Excel, LibreOffice or Google Sheets. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

export const CSV_HEADER = CSV_COLUMNS.join(',') + '\r\n'

export function csvRow(row: EventRow): string {
  const actor = JSON.parse(row.actor_json) as { type?: unknown; id?: unknown; name?: unknown }
  const text = (value: unknown) => (typeof value === 'string' ? value : '')
  return (
    [
      row.id,
      String(row.seq),
      row.occurred_at,
      row.ingested_at,
      row.action,
      text(actor.type),
      text(actor.id),
      text(actor.name),
      row.targets_json,
      row.context_json ?? '',
      row.metadata_json ?? '',
      row.payload_hash,
      row.signature,
      row.key_id,
    ]
      .map(csvCell)
      .join(',') + '\r\n'
  )
}

/**
 * CSV export rows: RFC 4180 quoting and CRLF line ends, with every place a spreadsheet could
 * start a formula neutralised (OWASP "CSV Injection").
 *
 * A spreadsheet may read the file with `,`, `;` (the default in many European locales) or tab
 * as the delimiter, and under `;` or tab our quotes no longer line up with its fields: a field
 * can start right after any `;`, tab, CR or LF inside a cell. So a `'` goes in front of each
 * `= + - @` that starts a cell or follows one of those characters, with only spaces, NULs,
 * other control characters or `"` in between (spreadsheets skip them). A cell that starts with
 * tab or CR gets one too (OWASP lists both). A plain number such as `-5` is left alone, except
 * as a row's first cell, where under `;` or tab it would run on into the next cells.
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

/** What a spreadsheet skips before deciding a field is a formula: not tab, CR or LF, which end fields. */
const SKIPPED = String.raw`(?:[^\S\t\r\n]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f"])*`
/** A formula trigger at a cell's start or after a character that can start a field. */
const TRIGGER = new RegExp(String.raw`(^|[;\t\r\n])(${SKIPPED})(?=[=+\-@])`, 'g')
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * The text of one cell as written, before quoting: `'` before every formula trigger a
 * spreadsheet could see (the module comment gives the rule). `first` is the row's first cell.
 */
export function neutraliseCell(value: string, first = false): string {
  if (!first && PLAIN_NUMBER.test(value)) return value
  const safe = value.replace(TRIGGER, "$1'$2")
  return /^[\t\r]/.test(safe) ? `'${safe}` : safe
}

/** One cell, safe to open in Excel, LibreOffice or Google Sheets with `,`, `;` or tab as delimiter. */
export function csvCell(value: string, first = false): string {
  const safe = neutraliseCell(value, first)
  return /[",;\t\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** One CSV line (with its CRLF) from cell texts. */
export function csvLine(cells: readonly string[]): string {
  return cells.map((cell, i) => csvCell(cell, i === 0)).join(',') + '\r\n'
}

export const CSV_HEADER = CSV_COLUMNS.join(',') + '\r\n'

export function csvRow(row: EventRow): string {
  const actor = JSON.parse(row.actor_json) as { type?: unknown; id?: unknown; name?: unknown }
  const text = (value: unknown) => (typeof value === 'string' ? value : '')
  return csvLine([
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
  ])
}

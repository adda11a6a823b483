'use client'
/** Readable key-value trees for actor, targets, context and metadata. Values are text, never HTML. */
import { LosslessNumber, type AuditJsonValue } from '../core/index.js'
import { EventText } from './event-text.js'

function scalar(value: AuditJsonValue): string {
  if (value === null) return 'null'
  if (value instanceof LosslessNumber) return value.text
  return String(value)
}

export function JsonTree({ value, empty }: { value: AuditJsonValue | undefined; empty: string }) {
  if (value === undefined || value === null) return <p className="al-muted">{empty}</p>
  if (typeof value !== 'object' || value instanceof LosslessNumber)
    return <EventText className="al-mono" value={scalar(value)} />
  const entries: [string, AuditJsonValue][] = Array.isArray(value)
    ? value.map((item, i) => [String(i), item])
    : Object.entries(value)
  if (entries.length === 0) return <p className="al-muted">{empty}</p>
  return (
    <dl className="al-kv">
      {entries.map(([key, item]) => (
        <div className="al-kv__row" key={key}>
          <dt className="al-kv__key">
            <EventText value={key} />
          </dt>
          <dd className="al-kv__value">
            {item !== null && typeof item === 'object' && !(item instanceof LosslessNumber) ? (
              <JsonTree value={item} empty="—" />
            ) : (
              <EventText className="al-mono" value={scalar(item)} />
            )}
          </dd>
        </div>
      ))}
    </dl>
  )
}

/**
 * Telling an NDJSON export's trailer line from an event line (the completeness extension,
 * issue 14). Apart from the decoders in `proofs.ts` so that core's NDJSON reader, which only
 * needs this, does not put them in every app's first download.
 */

/** Whether a parsed NDJSON line is a trailer rather than an event (it has `checkpoint`, no `id`). */
export function isTrailerLine(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    'checkpoint' in value &&
    !('id' in value) &&
    !('event_id' in value)
  )
}

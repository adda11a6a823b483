/**
 * Whether a parsed NDJSON export line is the trailer (issue 14) rather than an event: apart from
 * the proof decoders (protocol/proofs.ts) so a verifier that only skips trailers does not pull
 * them in, and the client can load those on demand.
 */
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

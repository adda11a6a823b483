/** An NDJSON export split into its event lines and its checkpoint trailer (issue 14), if any. */
export function splitExport(text: string): { lines: string[]; trailer: Record<string, unknown> | null } {
  const lines = text.trimEnd().split('\n')
  const last = lines.at(-1)
  const parsed = last ? (JSON.parse(last) as Record<string, unknown>) : null
  if (parsed && typeof parsed.checkpoint === 'string' && !('id' in parsed)) {
    return { lines: lines.slice(0, -1), trailer: parsed }
  }
  return { lines, trailer: null }
}

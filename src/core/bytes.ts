/** Byte arrays joined end to end; `size` (their total length) saves a pass when known. */
export function concatBytes(parts: readonly Uint8Array[], size?: number): Uint8Array {
  if (parts.length === 1) return parts[0]!
  let length = size ?? 0
  if (size === undefined) for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/**
 * One field under several names. Invoance's SDKs spell the same field differently (ingest
 * `organization_id` in Node/Go/Ruby, `org` in Python 0.2.0 and the docs' quick start; list
 * `organization_id` or `org_id`), so the wire accepts every spelling, and two spellings that
 * disagree are a 400 rather than a silent choice of one.
 */
import { badRequest } from './errors.js'

/**
 * The one value sent under any of `names`, with the name it came under, or `null` when none
 * is set (absent, `null` or `''`). Values under two names must be equal, else a 400 naming
 * both. `read` returns the raw value; deciding its type stays with the caller.
 */
export function oneOfAliases<T>(
  names: readonly string[],
  read: (name: string) => T | null | undefined,
): { name: string; value: T } | null {
  let found: { name: string; value: T } | null = null
  for (const name of names) {
    const value = read(name)
    if (value === null || value === undefined || value === '') continue
    if (found === null) found = { name, value }
    else if (found.value !== value) {
      throw badRequest(
        `${found.name} and ${name} name the same field with different values; send one of them ` +
          `(${names.join(', ')}).`,
      )
    }
  }
  return found
}

/**
 * A query-string reader that refuses a parameter repeated with different values
 * (`?actions=a&actions=b`): `URLSearchParams.get` would silently take the first, so the
 * filter applied would not be the one a caller meant. Repeating the same value is harmless.
 */
export function strictQuery(params: URLSearchParams): (name: string) => string | null {
  return (name) => {
    const all = params.getAll(name)
    if (all.length === 0) return null
    if (all.some((v) => v !== all[0])) throw badRequest(`${name} is repeated with different values; send it once.`)
    return all[0]!
  }
}

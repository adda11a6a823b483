/**
 * RFC 3339 timestamps as `invoance.audit/1` signs them: normalised to UTC, exactly three
 * fractional digits (truncated, never rounded), and a trailing `Z`.
 *
 * The fraction is cut to milliseconds by hand (engines differ in how `Date` parses longer
 * fractions, and the spec truncates), then `Date` does the calendar arithmetic.
 */

// RFC 3339 section 5.6: full-date "T" full-time, with "T"/"Z" case-insensitive (section 5.6 NOTE).
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/**
 * Normalise an RFC 3339 timestamp to `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC.
 * Returns `{ ok: false, problem }` for anything that is not a valid RFC 3339 instant.
 */
export function normalizeTimestamp(
  input: string,
): { ok: true; value: string; epochMs: number } | { ok: false; problem: string } {
  const m = RFC3339.exec(input)
  if (!m) return { ok: false, problem: 'is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.fff](Z|±hh:mm))' }
  const [, ys, mos, ds, hs, mis, ss, frac = '', , sign, ohs, oms] = m
  const year = Number(ys)
  const month = Number(mos)
  const day = Number(ds)
  const hour = Number(hs)
  const minute = Number(mis)
  const second = Number(ss)
  if (month < 1 || month > 12) return { ok: false, problem: `has month ${mos}` }
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, problem: `has day ${ds} in ${ys}-${mos}` }
  if (hour > 23) return { ok: false, problem: `has hour ${hs}` }
  if (minute > 59) return { ok: false, problem: `has minute ${mis}` }
  // RFC 3339 allows a leap second (60); the reference canonicalizer cannot represent one,
  // so no signer could have produced it.
  if (second > 59) return { ok: false, problem: `has second ${ss}; leap seconds are not supported by invoance.audit/1` }
  let offsetMinutes = 0
  if (sign) {
    const oh = Number(ohs)
    const om = Number(oms)
    if (oh > 23 || om > 59) return { ok: false, problem: `has offset ${sign}${ohs}:${oms}` }
    offsetMinutes = (sign === '-' ? -1 : 1) * (oh * 60 + om)
  }
  const millis = Number((frac + '000').slice(0, 3))
  // Local wall time minus the offset is UTC. Offsets are whole minutes, so truncating the
  // fraction first and converting afterwards gives the same result as the reverse order.
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999; the milliseconds are
  // already whole, so Date does no rounding of its own.
  const local = new Date(0)
  local.setUTCFullYear(year, month - 1, day)
  local.setUTCHours(hour, minute, second, millis)
  const epochMs = local.getTime() - offsetMinutes * 60_000
  const value = new Date(epochMs).toISOString()
  // toISOString writes years outside 0000-9999 with a sign and six digits.
  if (value.length !== 24) return { ok: false, problem: 'falls outside years 0000-9999 once converted to UTC' }
  return { ok: true, value, epochMs }
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
}

/**
 * RFC 3339 timestamps as `invoance.audit/1` signs them: normalised to UTC, exactly three
 * fractional digits (truncated, never rounded), and a trailing `Z`.
 *
 * Done with integer arithmetic rather than `Date`, which rounds sub-millisecond digits
 * differently across engines and treats years 0-99 as 1900-1999.
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
  const localMs = daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + millis
  const epochMs = localMs - offsetMinutes * 60_000
  const value = formatUtc(epochMs)
  if (value === null) return { ok: false, problem: 'falls outside years 0000-9999 once converted to UTC' }
  return { ok: true, value, epochMs }
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** The inverse of {@link daysFromCivil}. */
function civilFromDays(z: number): [number, number, number] {
  z += 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp + (mp < 10 ? 3 : -9)
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d]
}

function formatUtc(epochMs: number): string | null {
  const days = Math.floor(epochMs / 86_400_000)
  let rest = epochMs - days * 86_400_000
  const [y, mo, d] = civilFromDays(days)
  if (y < 0 || y > 9999) return null
  const ms = rest % 1000
  rest = (rest - ms) / 1000
  const s = rest % 60
  rest = (rest - s) / 60
  const mi = rest % 60
  const h = (rest - mi) / 60
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/**
 * Times as the log shows them: relative within the last day ("5 min ago"), otherwise a short
 * date and time in the chosen time zone; the exact UTC instant goes in the title. Also the
 * wall-clock values of the date-range inputs in that zone, converted with the zone's offset at
 * each instant (so across daylight-saving changes too). Intl formatters are expensive to
 * build, so they are cached per locale and zone.
 */
const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>()

/** The formatter stored under `key`, made on first use. */
function cached<T extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(key: string, make: () => T): T {
  let format = cache.get(key) as T | undefined
  if (!format) {
    format = make()
    cache.set(key, format)
  }
  return format
}

const dateFormat = (locale: string | undefined, timeZone: string | undefined) =>
  cached(
    `d|${locale}|${timeZone}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        ...(timeZone ? { timeZone } : {}),
      }),
  )

const relativeFormat = (locale: string | undefined) =>
  cached(`r|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' }))

/**
 * The label for an event time: relative in the last 24 hours, absolute otherwise, and absolute
 * while `now` is unknown (`null`, before mount).
 */
export function formatEventTime(iso: string, now: number | null, locale?: string, timeZone?: string): string {
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return iso
  const seconds = now === null ? NaN : Math.round((at - now) / 1000)
  if (seconds <= 0 && seconds > -86_400) {
    const relative = relativeFormat(locale)
    if (seconds > -60) return relative.format(seconds, 'second')
    if (seconds > -3600) return relative.format(Math.round(seconds / 60), 'minute')
    return relative.format(Math.round(seconds / 3600), 'hour')
  }
  return dateFormat(locale, timeZone).format(at)
}

/** The full instant, in the chosen zone, for the detail dialog. */
export function formatFullTime(iso: string, locale?: string, timeZone?: string): string {
  const at = Date.parse(iso)
  return Number.isNaN(at) ? iso : dateFormat(locale, timeZone).format(at)
}

/** Wall-clock fields of an instant in a zone (the viewer's when none), for the offset below. */
const wallClockFormat = (timeZone: string | undefined) =>
  cached(
    `w|${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-US', {
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        ...(timeZone ? { timeZone } : {}),
      }),
  )

/** Epoch ms of a wall-clock time read as if it were UTC (Date.UTC maps years 0-99 to 19xx). */
function utc(year: number, month: number, day: number, hour: number, minute: number, second = 0, ms = 0): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, ms)
  return date.getTime()
}

/** How far the wall clock in `timeZone` is ahead of UTC at the instant `at`, in ms (DST included). */
function zoneOffset(at: number, timeZone: string | undefined): number {
  const parts: Record<string, number> = {}
  for (const part of wallClockFormat(timeZone).formatToParts(at)) parts[part.type] = Number(part.value)
  const wholeSeconds = at - (((at % 1000) + 1000) % 1000)
  return utc(parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!) - wholeSeconds
}

/**
 * An instant as the value of an `<input type="datetime-local">` showing wall-clock time in
 * `timeZone` (the viewer's when none): "2026-03-08T01:30". Empty for a missing or invalid time.
 */
export function toZonedInput(iso: string | undefined, timeZone?: string): string {
  const at = iso ? Date.parse(iso) : Number.NaN
  if (Number.isNaN(at)) return ''
  return new Date(at + zoneOffset(at, timeZone)).toISOString().slice(0, 16)
}

const DAY = 86_400_000

/**
 * The instant (ISO, UTC) that a datetime-local value means as wall-clock time in `timeZone`
 * (the viewer's when none). Like `Date` and Temporal's "compatible" disambiguation, a time a
 * daylight-saving change skips moves forward by the gap, and a time it repeats is the earlier
 * of the two instants. `undefined` for an empty or malformed value.
 */
export function fromZonedInput(value: string, timeZone?: string): string | undefined {
  const match = /^(\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,3}))?)?$/.exec(value)
  if (!match) return undefined
  const wall = utc(
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6] ?? 0),
    Number((match[7] ?? '0').padEnd(3, '0')),
  )
  // Zones change offset far less often than daily, so the instant is the wall time less the
  // offset a day before or a day after. When neither fits, the time lies in a skipped gap;
  // read with the offset from before the change, it lands the length of the gap later.
  const earlier = zoneOffset(wall - DAY, timeZone)
  const later = zoneOffset(wall + DAY, timeZone)
  const fits = [wall - earlier, wall - later].filter((at) => at + zoneOffset(at, timeZone) === wall)
  return new Date(fits.length > 0 ? Math.min(...fits) : wall - earlier).toISOString()
}

/**
 * Times as the log shows them: relative within the last day ("5 min ago"), otherwise a short
 * date and time in the chosen time zone; the exact UTC instant goes in the title. Intl
 * formatters are expensive to build, so they are cached per locale and zone.
 */
const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>()

function dateFormat(locale: string | undefined, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `d|${locale}|${timeZone}`
  let format = cache.get(key) as Intl.DateTimeFormat | undefined
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      ...(timeZone ? { timeZone } : {}),
    })
    cache.set(key, format)
  }
  return format
}

function relativeFormat(locale: string | undefined): Intl.RelativeTimeFormat {
  const key = `r|${locale}`
  let format = cache.get(key) as Intl.RelativeTimeFormat | undefined
  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' })
    cache.set(key, format)
  }
  return format
}

/** The label for an event time: relative in the last 24 hours, absolute otherwise. */
export function formatEventTime(iso: string, now: number, locale?: string, timeZone?: string): string {
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return iso
  const seconds = Math.round((at - now) / 1000)
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

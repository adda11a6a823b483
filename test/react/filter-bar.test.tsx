/**
 * The custom date range in the provider's time zone: what the user types is wall-clock time
 * there, and a controlled range shows there, across daylight-saving changes too. The test
 * machine's own zone (UTC in CI) is deliberately not the one the provider names.
 */
import { fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { AuditFilters } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'
import { fromZonedInput, toZonedInput } from '../../src/react/format.js'
import { fakeClient, plainEvents } from './fake-client.js'

/**
 * A fixed "now", far from every date below: a `from` within an hour of 1, 7 or 30 days before
 * the clock reads as that preset instead of a custom range, so on the day the real clock
 * passed 30 days after 2026-10-31T04:00Z this file's fall-back test found no From field.
 */
const NOW = Date.parse('2027-06-15T12:00:00.000Z')

function renderLog(timeZone: string | undefined, props: Parameters<typeof AuditLog>[0], now = NOW) {
  const { client } = fakeClient({ events: plainEvents(3), keys: [], now: () => now })
  render(
    <AuditLogProvider client={client} {...(timeZone ? { timeZone } : {})}>
      <AuditLog showExport={false} {...props} />
    </AuditLogProvider>,
  )
  return { from: screen.getByLabelText<HTMLInputElement>('From'), to: screen.getByLabelText<HTMLInputElement>('To') }
}

describe('the custom date range', () => {
  it('shows a controlled range as wall-clock time in the provider zone, across the spring-forward change', () => {
    // 06:30Z and 07:30Z are an hour apart, but New York's clocks jump from 02:00 to 03:00 between them.
    const { from, to } = renderLog('America/New_York', {
      filters: { from: '2026-03-08T06:30:00.000Z', to: '2026-03-08T07:30:00.000Z' },
    })
    expect(from.value).toBe('2026-03-08T01:30')
    expect(to.value).toBe('2026-03-08T03:30')
    expect(screen.getByText('Times in America/New_York')).toBeInTheDocument()
    expect(from).toHaveAccessibleDescription('Times in America/New_York')
    expect(to).toHaveAccessibleDescription('Times in America/New_York')
  })

  it('turns typed wall-clock times into UTC instants with the offset of each, across the fall-back change', () => {
    const onFiltersChange = vi.fn<(filters: AuditFilters) => void>()
    const { from, to } = renderLog('America/New_York', {
      defaultFilters: { from: '2026-10-31T04:00:00.000Z' },
      onFiltersChange,
    })
    fireEvent.change(from, { target: { value: '2026-11-01T00:30' } }) // EDT, UTC-4
    expect(onFiltersChange).toHaveBeenLastCalledWith({ from: '2026-11-01T04:30:00.000Z' })
    fireEvent.change(to, { target: { value: '2026-11-01T03:00' } }) // EST, UTC-5
    expect(onFiltersChange).toHaveBeenLastCalledWith({
      from: '2026-11-01T04:30:00.000Z',
      to: '2026-11-01T08:00:00.000Z',
    })
    // And they read back as typed.
    expect(from.value).toBe('2026-11-01T00:30')
    expect(to.value).toBe('2026-11-01T03:00')
  })

  it('works the same in a zone ahead of UTC whose daylight saving ends in April (Auckland)', () => {
    const onFiltersChange = vi.fn<(filters: AuditFilters) => void>()
    const { from, to } = renderLog('Pacific/Auckland', {
      defaultFilters: { from: '2026-04-04T00:00:00.000Z' },
      onFiltersChange,
    })
    expect(from.value).toBe('2026-04-04T13:00') // NZDT, UTC+13
    fireEvent.change(to, { target: { value: '2026-04-05T12:00' } }) // NZST, UTC+12
    expect(onFiltersChange).toHaveBeenLastCalledWith({
      from: '2026-04-04T00:00:00.000Z',
      to: '2026-04-05T00:00:00.000Z',
    })
    expect(screen.getByText('Times in Pacific/Auckland')).toBeInTheDocument()
  })

  it("uses the viewer's zone, with no zone hint, when the provider names none", () => {
    const onFiltersChange = vi.fn<(filters: AuditFilters) => void>()
    const { from } = renderLog(undefined, { defaultFilters: { from: '2026-04-04T00:00:00.000Z' }, onFiltersChange })
    const local = new Date('2026-04-04T00:00:00.000Z')
    const pad = (n: number) => String(n).padStart(2, '0')
    expect(from.value).toBe(
      `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}T${pad(local.getHours())}:${pad(local.getMinutes())}`,
    )
    fireEvent.change(from, { target: { value: '2026-07-01T09:15' } })
    expect(onFiltersChange).toHaveBeenLastCalledWith({ from: new Date('2026-07-01T09:15').toISOString() })
    expect(screen.queryByText(/^Times in/)).toBeNull()
    expect(from).not.toHaveAttribute('aria-describedby')
  })

  it("reads a range that starts 30 days before the client's clock as the preset, not a custom range", () => {
    const { client } = fakeClient({ events: plainEvents(3), keys: [], now: () => NOW })
    render(
      <AuditLogProvider client={client}>
        <AuditLog
          showExport={false}
          defaultFilters={{ from: new Date(NOW - 30 * 86_400_000 + 60_000).toISOString() }}
        />
      </AuditLogProvider>,
    )
    expect(screen.getByLabelText<HTMLSelectElement>('Date range').value).toBe('month')
    expect(screen.queryByLabelText('From')).toBeNull()
  })
})

describe('wall-clock time in a zone, at the edges of daylight saving', () => {
  it.each([
    // zone, wall time, instant: a plain time, a skipped one (moved forward by the gap), a repeated one (the earlier)
    ['America/New_York', '2026-03-08T01:59', '2026-03-08T06:59:00.000Z'],
    ['America/New_York', '2026-03-08T02:30', '2026-03-08T07:30:00.000Z'],
    ['America/New_York', '2026-03-08T03:00', '2026-03-08T07:00:00.000Z'],
    ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z'],
    ['America/New_York', '2026-11-01T02:00', '2026-11-01T07:00:00.000Z'],
    ['Pacific/Auckland', '2026-04-05T02:30', '2026-04-04T13:30:00.000Z'],
    ['Pacific/Auckland', '2026-04-05T03:00', '2026-04-04T15:00:00.000Z'],
    ['Pacific/Auckland', '2026-09-27T02:30', '2026-09-26T14:30:00.000Z'],
    ['Pacific/Auckland', '2026-09-27T03:00', '2026-09-26T14:00:00.000Z'],
    ['Asia/Kolkata', '2026-01-01T00:00:30.5', '2025-12-31T18:30:30.500Z'],
    ['Africa/Monrovia', '1960-06-01T11:15:30', '1960-06-01T12:00:00.000Z'], // UTC-00:44:30, seconds and all
  ])('in %s, %s is %s', (zone, wall, instant) => {
    expect(fromZonedInput(wall, zone)).toBe(instant)
  })

  it.each([
    ['America/New_York', '2026-11-01T05:30:00.000Z', '2026-11-01T01:30'],
    ['America/New_York', '2026-11-01T06:30:00.000Z', '2026-11-01T01:30'],
    ['Pacific/Auckland', '2026-09-26T14:00:00.000Z', '2026-09-27T03:00'],
    ['Pacific/Auckland', '2026-09-26T13:59:59.999Z', '2026-09-27T01:59'],
  ])('in %s, %s shows as %s', (zone, instant, wall) => {
    expect(toZonedInput(instant, zone)).toBe(wall)
  })

  it('leaves empty and malformed values empty', () => {
    expect(fromZonedInput('', 'Europe/Berlin')).toBeUndefined()
    expect(fromZonedInput('yesterday', 'Europe/Berlin')).toBeUndefined()
    expect(toZonedInput(undefined, 'Europe/Berlin')).toBe('')
    expect(toZonedInput('not a time', 'Europe/Berlin')).toBe('')
  })
})

describe('the narrow filter toggle', () => {
  it('counts each action, the actor, the target and the date range as one filter each, and controls the fields', () => {
    renderLog(undefined, {
      defaultFilters: {
        actions: ['invoice.paid', 'user.signed_in'],
        targetId: 'inv_1',
        from: '2026-03-08T06:30:00.000Z',
        to: '2026-03-08T07:30:00.000Z',
      },
    })
    // jsdom joins the visually hidden count without the space Chromium puts there (it knows no CSS).
    const toggle = screen.getByRole('button', { name: /^Filters\s?4 active$/ })
    expect(toggle).toHaveAttribute('aria-expanded', 'false')
    const fields = document.getElementById(toggle.getAttribute('aria-controls')!)!
    expect(fields).toContainElement(screen.getByRole('textbox', { name: 'Target' }))
    expect(fields).toContainElement(screen.getByRole('button', { name: 'Clear' }))
    fireEvent.click(toggle)
    expect(toggle).toHaveAttribute('aria-expanded', 'true')
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }))
    expect(toggle).toHaveAccessibleName('Filters')
  })
})

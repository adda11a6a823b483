/** Live tail is controllable like Radix's state: `liveTail` / `defaultLiveTail` / `onLiveTailChange`. */
import { act, render, screen, waitFor } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'
import { fakeClient, plainEvents } from './fake-client.js'

const pause = (ms: number) => act(() => new Promise((resolve) => setTimeout(resolve, ms)))

describe('live tail', () => {
  it('given a controlled `liveTail`, the Live toggle asks through onLiveTailChange and changes nothing by itself', async () => {
    const fake = fakeClient({ events: plainEvents(3) })
    const onLiveTailChange = vi.fn()
    render(
      <AuditLogProvider client={fake.client}>
        <AuditLog liveTail={false} onLiveTailChange={onLiveTailChange} />
      </AuditLogProvider>,
    )
    await screen.findByRole('grid')
    const toggle = screen.getByRole('checkbox', { name: 'Live' })
    await userEvent.click(toggle)
    expect(onLiveTailChange).toHaveBeenCalledWith(true)
    expect(toggle).not.toBeChecked()
    const loads = fake.calls.length
    await pause(60)
    expect(fake.calls).toHaveLength(loads)
  })

  it('after the host follows onLiveTailChange, polls at the interval it passes, and stops when turned off', async () => {
    const fake = fakeClient({ events: plainEvents(3) })
    const changes: boolean[] = []
    function Host() {
      const [on, setOn] = useState(false)
      return (
        <AuditLog
          liveTail={on && { intervalMs: 10 }}
          onLiveTailChange={(next) => {
            changes.push(next)
            setOn(next)
          }}
        />
      )
    }
    render(
      <AuditLogProvider client={fake.client}>
        <Host />
      </AuditLogProvider>,
    )
    await screen.findByRole('grid')
    const toggle = screen.getByRole('checkbox', { name: 'Live' })
    const loads = fake.calls.length
    await userEvent.click(toggle)
    expect(toggle).toBeChecked()
    await waitFor(() => expect(fake.calls.length).toBeGreaterThan(loads + 2))
    await userEvent.click(toggle)
    expect(toggle).not.toBeChecked()
    expect(changes).toEqual([true, false])
    const stopped = fake.calls.length
    await pause(60)
    expect(fake.calls.length).toBeLessThanOrEqual(stopped + 1) // at most one poll already on its way
  })

  it('given `defaultLiveTail`, polls from the start and the toggle switches it off by itself, telling the host', async () => {
    const fake = fakeClient({ events: plainEvents(3) })
    const onLiveTailChange = vi.fn()
    render(
      <AuditLogProvider client={fake.client}>
        <AuditLog defaultLiveTail={{ intervalMs: 10 }} onLiveTailChange={onLiveTailChange} />
      </AuditLogProvider>,
    )
    await screen.findByRole('grid')
    const toggle = screen.getByRole('checkbox', { name: 'Live' })
    expect(toggle).toBeChecked()
    const loads = fake.calls.length
    await waitFor(() => expect(fake.calls.length).toBeGreaterThan(loads + 1))
    await userEvent.click(toggle)
    expect(toggle).not.toBeChecked()
    expect(onLiveTailChange).toHaveBeenCalledWith(false)
    const stopped = fake.calls.length
    await pause(60)
    expect(fake.calls.length).toBeLessThanOrEqual(stopped + 1)
  })
})

/**
 * Rendering reads no clock, randomness or storage, so a server prerender gives the same HTML
 * every time. Next.js's `cacheComponents` refuses a page whose render calls `Date.now()`, and
 * React's purity rules ask the same of every render. Each of those reads throws while the
 * README's page is rendered to a string, as Next.js's prerender renders client components.
 */
import { render, screen, waitFor } from '@testing-library/react'
import { renderToString } from 'react-dom/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AuditLog, AuditLogProvider, ExportButton, VerifyBadge } from '../../src/react/index.js'
import { fakeClient, plainEvents } from './fake-client.js'

const forbidden = (what: string) => () => {
  throw new Error(`${what} was read during render`)
}

let restore: (() => void)[] = []
function replace<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
  const original = Object.getOwnPropertyDescriptor(target, key)
  Object.defineProperty(target, key, { configurable: true, writable: true, value })
  restore.push(() => (original ? Object.defineProperty(target, key, original) : delete target[key]))
}
function replaceGetter<T extends object>(target: T, key: string, what: string): void {
  const original = Object.getOwnPropertyDescriptor(target, key)
  Object.defineProperty(target, key, { configurable: true, get: forbidden(what) })
  restore.push(() => (original ? Object.defineProperty(target, key, original) : Reflect.deleteProperty(target, key)))
}

beforeEach(() => {
  const RealDate = Date
  // `new Date()` with no argument reads the clock; `new Date(ms)` and `Date.parse` do not.
  const PureDate = function (this: unknown, ...args: unknown[]) {
    if (args.length === 0) forbidden('new Date()')()
    return new.target ? Reflect.construct(RealDate, args, new.target) : RealDate()
  } as unknown as DateConstructor
  Object.setPrototypeOf(PureDate, RealDate)
  Object.defineProperty(PureDate, 'prototype', { value: RealDate.prototype })
  replace(globalThis, 'Date', PureDate)
  replace(RealDate, 'now', forbidden('Date.now()'))
  replace(Math, 'random', forbidden('Math.random()'))
  // performance.now() stays: React's own server renderer reads it to time its work.
  replace(crypto, 'randomUUID', forbidden('crypto.randomUUID()'))
  replace(window, 'matchMedia', forbidden('matchMedia()'))
  replaceGetter(window, 'localStorage', 'localStorage')
  replaceGetter(window, 'sessionStorage', 'sessionStorage')
})
afterEach(() => {
  for (const step of restore.reverse()) step()
  restore = []
})

describe('rendering to a string, as a server prerender does', () => {
  it('reads no clock, randomness or storage for the README’s page', () => {
    const html = renderToString(
      <AuditLogProvider baseUrl="/api/audit">
        <div style={{ height: 600 }}>
          <AuditLog onSessionExpired={() => location.assign('/login')} />
        </div>
      </AuditLogProvider>,
    )
    expect(html).toContain('al-log')
  })

  it('gives the same HTML each time', () => {
    const page = () =>
      renderToString(
        <AuditLogProvider baseUrl="/api/audit">
          <AuditLog liveTail defaultFilters={{ from: '2026-11-01T00:00:00.000Z' }} />
          <ExportButton />
        </AuditLogProvider>,
      )
    expect(page()).toBe(page())
  })

  it('reads none for the standalone badge and export button either', () => {
    const html = renderToString(
      <AuditLogProvider baseUrl="/api/audit">
        <ExportButton />
        <VerifyBadge eventId="aevt_1" />
      </AuditLogProvider>,
    )
    expect(html).not.toBe('')
  })
})

describe('after mount', () => {
  it('shows relative times from the client’s own clock, read in an effect', async () => {
    restore
      .splice(0)
      .reverse()
      .forEach((step) => step())
    const event = { ...plainEvents(1)[0]!, occurred_at: '2026-11-20T10:00:00.000Z' }
    const { client } = fakeClient({ events: [event] })
    const clocked = { ...client, platform: { ...client.platform, now: () => Date.parse('2026-11-20T10:05:00Z') } }
    render(
      <AuditLogProvider client={clocked}>
        <AuditLog />
      </AuditLogProvider>,
    )
    const row = await screen.findByRole('row', { name: /invoice:inv_1/ })
    await waitFor(() => expect(row.closest('.al-grid')).toHaveTextContent(/^.*5 min\. ago.*user\.signed_in/))
  })
})

/**
 * The provider's verifier and the page's shared verification workers in real Chromium: React
 * StrictMode's mount-unmount-mount and a change of pinned keys each dispose a verifier and make
 * another, and the workers must survive both (shared-workers.ts keeps them for a grace period
 * after the last verifier, stepped by hand here), then stop once the log is gone for good.
 * StrictMode's first remount disposes its verifier before that verifier's pool has loaded, so
 * it never held workers; the key change disposes one that did, and without the grace its
 * workers were stopped and two new ones started.
 */
import { render, waitFor } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAuditClient, type AuditEvent } from '../../src/core/index.js'
import { AuditLogProvider, VerifyBadge } from '../../src/react/index.js'
import { countingWorkers, manualGrace } from '../support/counting-workers.js'
import { apiEvent, createSigner, seedFrom, VECTOR_SEED } from '../support/signing.js'

const ledger = createSigner(VECTOR_SEED)
const rotated = createSigner(seedFrom(9), 'key_rotated')
// Never asked: the keys are pinned and the badge is given its event.
const client = createAuditClient({
  baseUrl: 'http://127.0.0.1:9',
  fetchToken: () => Promise.reject(new Error('unused')),
})

let grace: ReturnType<typeof manualGrace>
beforeEach(() => void (grace = manualGrace()))
afterEach(() => {
  grace.end()
  grace.restore()
})

const badgeSays = (status: string) =>
  waitFor(() => expect(document.querySelector('[data-status]')).toHaveAttribute('data-status', status))

describe('the provider under React StrictMode', () => {
  it('keeps its verification workers through the remount and a key change, and stops them after the last unmount and the grace', async () => {
    const { seen, create } = countingWorkers()
    const page = (key: string, event: AuditEvent) => (
      <StrictMode>
        <AuditLogProvider client={client} trustedKeys={[key]} verification={{ worker: create, workerCount: 2 }}>
          <VerifyBadge event={event} />
        </AuditLogProvider>
      </StrictMode>
    )
    const first = ledger.sign(apiEvent({ id: 'aevt_first' })) as unknown as AuditEvent
    const view = render(page(ledger.publicKey, first))
    await badgeSays('verified')
    expect(seen).toMatchObject({ started: 2, stopped: 0, events: 1 })

    // The host rotates its pinned key: a new ring, so a new verifier, on the same workers.
    const second = rotated.sign(apiEvent({ id: 'aevt_second' })) as unknown as AuditEvent
    view.rerender(page(rotated.publicKey, second))
    await badgeSays('verified')
    expect(seen).toMatchObject({ started: 2, stopped: 0, events: 2 })
    expect(grace.pending).toHaveLength(0)

    view.unmount()
    expect(seen.stopped).toBe(0)
    expect(grace.pending).toHaveLength(1)
    grace.end()
    expect(seen.stopped).toBe(2)
  })
})

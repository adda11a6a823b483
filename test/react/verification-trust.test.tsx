import { render, screen, waitFor } from '@testing-library/react'
import { Component, useLayoutEffect, type ReactNode } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { nobleBackend, type AuditEvent, type CryptoBackend } from '../../src/core/index.js'
import { AuditLogProvider, useAuditLogContext, VerifyBadge } from '../../src/react/index.js'
import { apiEvent, createSigner, seedFrom, VECTOR_SEED } from '../support/signing.js'
import { fakeClient } from './fake-client.js'

const ledger = createSigner(VECTOR_SEED, 'key_ledger')
const genuine = ledger.sign(apiEvent({ id: 'aevt_same' })) as unknown as AuditEvent

describe('given a badge showed Verified for a genuine event', () => {
  it('a forged event served later under the same id and stored hash is checked, not vouched for', async () => {
    const { client } = fakeClient({ events: [] })
    const badge = (event: AuditEvent) => (
      <AuditLogProvider client={client} trustedKeys={[ledger.publicKey]}>
        <VerifyBadge event={event} />
      </AuditLogProvider>
    )
    const { rerender } = render(badge(genuine))
    await waitFor(() => expect(screen.getByText('Verified')).toBeInTheDocument())

    // What a compromised backend or proxy could serve on a refetch (a filter change, paging).
    rerender(badge({ ...genuine, actor: { ...genuine.actor, id: 'user_mallory' } }))
    expect(screen.queryByText('Verified')).not.toBeInTheDocument()
    await waitFor(() => expect(screen.getByText('Tampered')).toBeInTheDocument())
  })
})

class Boundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null }
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  override render() {
    return this.state.error ? <p role="alert">{this.state.error.message}</p> : this.props.children
  }
}

describe('given a pinned key that is a small-order point', () => {
  it('the provider raises the configuration error in render once the curve check has run, and verifies nothing', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { client } = fakeClient({ events: [] })
    const signatures: unknown[] = []
    const crypto: CryptoBackend = {
      name: 'counting',
      sha256: (data) => nobleBackend.sha256(data),
      verifyEd25519: (...args) => (signatures.push(args), nobleBackend.verifyEd25519(...args)),
    }
    render(
      <Boundary>
        <AuditLogProvider client={client} trustedKeys={['01' + '00'.repeat(31)]} verification={{ crypto }}>
          <VerifyBadge event={genuine} />
        </AuditLogProvider>
      </Boundary>,
    )
    expect(await screen.findByRole('alert')).toHaveTextContent(/trustedKeys\[0\].*small-order/)
    await new Promise((resolve) => setTimeout(resolve, 100)) // any verification under way would have run
    expect(signatures).toEqual([])
  })
})

describe('given fetched keys that list a small-order point', () => {
  it('they are unavailable and reported, and the host’s page stays up', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const onError = vi.fn()
    const { client } = fakeClient({ events: [], keys: ['01' + '00'.repeat(31), ledger.publicKey] })
    render(
      <Boundary>
        <p>The host’s own page</p>
        <AuditLogProvider client={client} onError={onError}>
          <VerifyBadge event={genuine} />
        </AuditLogProvider>
      </Boundary>,
    )
    await waitFor(() => expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'upstream' }), 'keys'))
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    expect(screen.getByText('The host’s own page')).toBeInTheDocument()
    expect(screen.getByText('Keys unavailable')).toBeInTheDocument()
    expect(screen.queryByText('Verified')).not.toBeInTheDocument()
  })
})

describe('given the pinned keys change', () => {
  it('no render pairs the new keys with the verifier (and results) of the old ones', async () => {
    const { client } = fakeClient({ events: [] })
    const other = createSigner(seedFrom(3), 'key_other')
    const seen: { keyRing: unknown; verifier: unknown }[] = []
    function Spy() {
      const { keyRing, verifier } = useAuditLogContext('Spy')
      seen.push({ keyRing, verifier })
      return null
    }
    const tree = (keys: string[]) => (
      <AuditLogProvider client={client} trustedKeys={keys}>
        <Spy />
      </AuditLogProvider>
    )
    const { rerender } = render(tree([ledger.publicKey]))
    await waitFor(() => expect(seen.at(-1)?.verifier).toBeTruthy())
    const before = seen.at(-1)!
    rerender(tree([other.publicKey])) // the host dropped a key it no longer trusts
    await waitFor(() => expect(seen.at(-1)?.verifier).toBeTruthy())
    expect(seen.at(-1)!.keyRing).not.toBe(before.keyRing)
    expect(seen.filter((s) => s.keyRing !== before.keyRing && s.verifier === before.verifier)).toEqual([])
  })
})

describe('a badge given an eventId', () => {
  it('never shows the previous event’s result while the next one loads', async () => {
    const { client } = fakeClient({ events: [genuine] })
    const getEvent = client.getEvent.bind(client)
    // The second event never arrives: its badge may only say it is checking.
    client.getEvent = (id, options) => (id === genuine.id ? getEvent(id, options) : new Promise(() => {}))
    const seen: { id: string; text: string }[] = []
    function Probe({ id }: { id: string }) {
      // Runs after every commit of the badge beside it: what the reader saw, and for which id.
      useLayoutEffect(() => void seen.push({ id, text: document.body.textContent ?? '' }))
      return null
    }
    const tree = (id: string) => (
      <AuditLogProvider client={client} trustedKeys={[ledger.publicKey]}>
        <VerifyBadge eventId={id} />
        <Probe id={id} />
      </AuditLogProvider>
    )
    const { rerender } = render(tree(genuine.id))
    await waitFor(() => expect(screen.getByText('Verified')).toBeInTheDocument())
    rerender(tree('aevt_next'))
    await waitFor(() => expect(screen.getByText('Checking')).toBeInTheDocument())
    expect(seen.filter((s) => s.id === 'aevt_next' && s.text.includes('Verified'))).toEqual([])
  })

  it('that could not be fetched shows the event it is given next', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { client } = fakeClient({ events: [] })
    const tree = (props: { eventId?: string; event?: AuditEvent }) => (
      <AuditLogProvider client={client} trustedKeys={[ledger.publicKey]}>
        <VerifyBadge {...props} />
      </AuditLogProvider>
    )
    const { rerender, container } = render(tree({ eventId: 'aevt_missing' }))
    await waitFor(() => expect(container.querySelector('[data-status="unavailable"]')).not.toBeNull())
    rerender(tree({ event: genuine }))
    await waitFor(() => expect(screen.getByText('Verified')).toBeInTheDocument())
  })
})

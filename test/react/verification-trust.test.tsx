import { render, screen, waitFor } from '@testing-library/react'
import { Component, type ReactNode } from 'react'
import { describe, expect, it, vi } from 'vitest'
import type { AuditEvent } from '../../src/core/index.js'
import { AuditLogProvider, VerifyBadge } from '../../src/react/index.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'
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
    render(
      <Boundary>
        <AuditLogProvider client={client} trustedKeys={['01' + '00'.repeat(31)]}>
          <VerifyBadge event={genuine} />
        </AuditLogProvider>
      </Boundary>,
    )
    expect(await screen.findByRole('alert')).toHaveTextContent(/trustedKeys\[0\].*small-order/)
    expect(screen.queryByText('Verified')).not.toBeInTheDocument()
  })
})

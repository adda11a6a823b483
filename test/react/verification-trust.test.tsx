import { render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
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

/** <AuditLog> over an org whose first seqs were removed by retention. */
import * as ed from '@noble/ed25519'
import { bytesToHex } from '@noble/hashes/utils.js'
import { render, screen } from '@testing-library/react'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../src/core/index.js'
import { loadWindow } from '../../src/core/log/block-list.js'
import { pruneMarkerBytes } from '../../src/core/verify/prune-marker.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'
import { apiEvent, createSigner, seedFrom, VECTOR_SEED } from '../support/signing.js'
import { fakeClient } from './fake-client.js'

const ledger = createSigner(VECTOR_SEED, 'key_ledger')
const ORG = 'aorg_01JTEST0000000000000000000'
const events = [6, 5, 4].map((seq) => ledger.sign(apiEvent({ id: `aevt_${seq}`, seq })) as unknown as AuditEvent)

function marker(seed: Uint8Array) {
  const fields = {
    org_id: ORG,
    pruned_through_seq: 3,
    pruned_at: '2026-11-20T11:00:00.000Z',
    retention_days: 30,
    cutoff: '2026-10-21T11:00:00.000Z',
    key_id: 'key_ledger',
  }
  return { schema: 'auditlens.prune/1', ...fields, signature: bytesToHex(ed.sign(pruneMarkerBytes(fields), seed)) }
}

function renderLog(pruneMarker: unknown) {
  const { client } = fakeClient({ events, keys: [ledger.publicKey], singlePage: true, pruneMarker })
  render(
    <AuditLogProvider client={client}>
      <AuditLog />
    </AuditLogProvider>,
  )
}

describe('<AuditLog> with a pruned head', () => {
  // The pruned row is drawn by the window's code, imported on demand after the first page: loaded
  // up front so findByText's one second does not race the import on a loaded machine (it did
  // once, in a full run at load average 19).
  beforeAll(() => loadWindow())

  it('labels seqs 1–3 as removed by retention when the marker verifies against the pinned key', async () => {
    renderLog(marker(VECTOR_SEED))
    expect(
      await screen.findByText('Seqs 1–3 were removed by the 30-day retention policy (signed prune marker).'),
    ).toBeInTheDocument()
    expect(screen.queryByText(/events missing/)).toBeNull()
  })

  it('keeps the missing-events alarm when the marker was signed by another key', async () => {
    renderLog(marker(seedFrom(5)))
    expect(await screen.findByText('3 events missing (seq 1–3)')).toBeInTheDocument()
    expect(screen.queryByText(/retention policy/)).toBeNull()
  })
})

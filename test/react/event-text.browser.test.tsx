/**
 * Bidi controls in event text, drawn by real Chromium: an override in an actor id must not
 * reverse the IP address shown next to it (CVE-2021-42574, "Trojan Source").
 */
import { render, screen, waitFor, within } from '@testing-library/react'
import { expect, it } from 'vitest'
import type { AuditEvent } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'
import '../../src/react/styles.css'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'
import { fakeClient } from './fake-client.js'

const ledger = createSigner(VECTOR_SEED)

/** The left edge of each character of `needle` in the first text node that contains it. */
function characterPositions(root: Element, needle: string): number[] {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
  while (walker.nextNode()) {
    const node = walker.currentNode as Text
    const at = node.data.indexOf(needle)
    if (at === -1) continue
    return [...needle].map((_, i) => {
      const range = document.createRange()
      range.setStart(node, at + i)
      range.setEnd(node, at + i + 1)
      return range.getBoundingClientRect().left
    })
  }
  throw new Error(`"${needle}" is not in the page`)
}

it('draws the IP next to an override-carrying actor id left to right, in its own order', async () => {
  const event = ledger.sign(
    apiEvent({
      id: 'aevt_rlo',
      seq: 1,
      actor: { type: 'user', id: 'mallory\u202E', name: 'Mallory' },
      context: { location: '10.0.0.1' },
    }),
  ) as unknown as AuditEvent
  const { client } = fakeClient({ events: [event], keys: [ledger.publicKey] })
  render(
    <AuditLogProvider client={client}>
      <div style={{ height: 600, width: 1000 }}>
        <AuditLog />
      </div>
    </AuditLogProvider>,
  )
  const grid = await screen.findByRole('grid')
  await waitFor(() => expect(within(grid).getByText('Mallory')).toBeInTheDocument())
  const positions = characterPositions(grid, '10.0.0.1')
  const ascending = positions.every((left, i) => i === 0 || left > positions[i - 1]!)
  expect(ascending, `character positions ${positions.join(', ')}`).toBe(true)
  expect((grid as HTMLElement).innerText).toContain('10.0.0.1')
})

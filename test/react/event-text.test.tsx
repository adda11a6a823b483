/** Bidi and invisible controls in event text are shown as markers, never applied. */
import { render, screen, waitFor, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import type { AuditEvent } from '../../src/core/index.js'
import { displayString } from '../../src/react/event-text.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'
import { fakeClient } from './fake-client.js'

const ledger = createSigner(VECTOR_SEED)
/** The characters the issue lists: bidi embeddings, overrides, isolates and marks. */
const BIDI = [
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
]
const FORBIDDEN = new RegExp(`[${BIDI.join('')}\\u200B\\u2060\\uFEFF\\u2028\\u2029\\u0007]`)

const event = ledger.sign(
  apiEvent({
    id: 'aevt_bidi',
    seq: 1,
    action: 'invoice\u202Efdp.exe',
    actor: { type: 'user', id: `mallory${BIDI.join('')}`, name: 'Mal\u2067lory\u200B' },
    targets: [{ type: 'file', id: 'f\u2066_1', name: 'report\u202Bfdp.exe' }],
    context: { location: '10.0.0.1', user_agent: 'ua\u0007\u2028x' },
    metadata: { 'key\u202E': 'value\u2069\uFEFF' },
  }),
) as unknown as AuditEvent

/** Every text node under `root` (dialogs render in a portal, so pass document.body). */
function textNodes(root: Node): string[] {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
  const texts: string[] = []
  while (walker.nextNode()) texts.push(walker.currentNode.textContent ?? '')
  return texts
}

describe('given an event whose strings carry bidi and invisible controls', () => {
  it('the table shows them as markers: no text node holds one', async () => {
    const { client } = fakeClient({ events: [event], keys: [ledger.publicKey] })
    render(
      <AuditLogProvider client={client}>
        <AuditLog />
      </AuditLogProvider>,
    )
    const grid = await screen.findByRole('grid')
    await waitFor(() => expect(within(grid).getByText(/invoice/)).toBeInTheDocument())
    expect(textNodes(grid).filter((text) => FORBIDDEN.test(text))).toEqual([])
    expect(grid.textContent).toContain('invoice⟨U+202E⟩fdp.exe')
    // The IP stands in its own isolate, apart from the actor id before it.
    const ip = within(grid).getByText('10.0.0.1')
    expect(ip.closest('bdi')?.textContent).toBe('10.0.0.1')
  })

  it('the dialog, its raw JSON and its canonical JSON show them as markers, and Copy gives the exact original', async () => {
    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const { client } = fakeClient({ events: [event], keys: [ledger.publicKey] })
    render(
      <AuditLogProvider client={client}>
        <AuditLog />
      </AuditLogProvider>,
    )
    // Click once the keys are in: the cells are drawn anew when they arrive, and a click whose
    // target is replaced between its pointer-down and its click opens nothing.
    await screen.findByText('Verified')
    await userEvent.click(screen.getAllByText(/invoice/)[0]!)
    const dialog = await screen.findByRole('dialog')
    const [canonical, raw] = [...dialog.querySelectorAll('pre')]
    expect(raw?.textContent).toMatch(/"user_agent": "ua(\\u0007|⟨U\+0007⟩)⟨U\+2028⟩x"/)
    expect(canonical?.textContent).toContain('invoice⟨U+202E⟩fdp.exe')
    expect(within(dialog).getByRole('heading', { level: 2 }).textContent).toBe('invoice⟨U+202E⟩fdp.exe')
    expect(textNodes(document.body).filter((text) => FORBIDDEN.test(text))).toEqual([])

    await userEvent.click(within(dialog).getByRole('button', { name: 'Copy Raw JSON' }))
    expect(writeText).toHaveBeenCalledWith(expect.stringContaining('"action": "invoice\u202Efdp.exe"'))
  })
})

describe('displayString', () => {
  it('spells out each listed character, and leaves joiners that scripts and emoji need alone', () => {
    expect(displayString('a\u202Eb')).toBe('a⟨U+202E⟩b')
    expect(displayString(BIDI.join(''))).not.toMatch(FORBIDDEN)
    expect(displayString('tag\u{E0041}')).toBe('tag⟨U+E0041⟩')
    expect(displayString('👩\u200D💻 \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645\tline\n')).toBe(
      '👩\u200D💻 \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645\tline\n',
    )
  })
})

describe('action suggestions', () => {
  it('leave out actions holding hidden characters, which the browser would draw with bidi controls applied', async () => {
    const tricky = ledger.sign(apiEvent({ id: 'aevt_s1', seq: 2, action: 'invoice.paid\u202Efdp.exe' }))
    const plain = ledger.sign(apiEvent({ id: 'aevt_s2', seq: 1, action: 'invoice.sent' }))
    const { client } = fakeClient({ events: [tricky, plain] as unknown as AuditEvent[] })
    const { container } = render(
      <AuditLogProvider client={client} trustedKeys={[ledger.publicKey]}>
        <AuditLog />
      </AuditLogProvider>,
    )
    await screen.findAllByText(/fdp\.exe/)
    const offered = [...container.querySelectorAll('datalist option')].map((o) => (o as HTMLOptionElement).value)
    expect(offered).toEqual(['invoice.sent'])
  })
})

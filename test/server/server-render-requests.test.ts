/**
 * `<AuditLog>` asks for its token and first page while it first renders in a browser
 * (test/react/token-at-first-render.test.tsx); rendered on a server (no `document`, as in a
 * Next.js prerender) it asks for neither: the browser's render does, or the host passes
 * `initialData`. Node, without a DOM, so no JSX here.
 */
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { expect, it } from 'vitest'
import { createAuditClient } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'

it('a server render of <AuditLog> requests no token and no page', async () => {
  expect(typeof document).toBe('undefined')
  let requests = 0
  const client = createAuditClient({
    now: () => Date.parse('2026-11-20T12:00:00.000Z'),
    fetchToken: async () => {
      requests++
      return { token: 'tok', expires_at: '2026-11-20T12:05:00.000Z', org_id: 'aorg_1' }
    },
    fetch: async () => {
      requests++
      return new Response(JSON.stringify({ events: [], next_cursor: null }))
    },
  })
  const html = renderToString(createElement(AuditLogProvider, { client }, createElement(AuditLog)))
  await new Promise((resolve) => setTimeout(resolve, 0))
  expect(html).toContain('al-log')
  expect(requests).toBe(0)
})

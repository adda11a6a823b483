/**
 * Bringing a dropped block back: its page is read again from the cursor that first fetched it,
 * and only events inside its seq range are kept, so an event that moved (or arrived above a
 * head page) never lands in the wrong block.
 */
import type { AuditFilters } from '../../protocol/filters.js'
import type { AuditEvent } from '../types.js'
import { AuditError } from './audit-error.js'
import type { AuditClient } from './client.js'
import { seqOf, type PageBlock } from './page-blocks.js'

/**
 * Pages one re-fetch reads at most. A block read from the head (the first page, live tail) is
 * found again by walking down from the newest events; after that many pages of new events
 * above it the walk gives up and reports an error rather than reading without end.
 */
const MAX_WALK = 50

/** The events in `block`'s seq range now, newest first. */
export async function refetchBlock(
  client: AuditClient,
  block: PageBlock,
  filters: AuditFilters,
  pageSize: number,
  signal: AbortSignal,
): Promise<AuditEvent[]> {
  const out: AuditEvent[] = []
  let cursor = block.cursor
  for (let read = 0; read < MAX_WALK; read++) {
    const page = await client.listEvents({ ...filters, limit: pageSize, cursor }, { signal })
    for (const event of page.events) {
      const seq = seqOf(event)
      if (seq <= block.newest && seq >= block.oldest) out.push(event)
    }
    const last = page.events.at(-1)
    if (!last || seqOf(last) <= block.oldest || page.nextCursor === null) {
      return out.sort((a, b) => seqOf(b) - seqOf(a))
    }
    cursor = page.nextCursor
  }
  throw new AuditError('upstream', 'A page of the log could not be found again.', { retryable: true })
}

/** The events of the held blocks, newest first: O(events held). */
export function heldEvents(holding: readonly (readonly [PageBlock, number])[]): AuditEvent[] {
  return [...holding].sort((a, b) => a[1] - b[1]).flatMap(([block]) => block.events ?? [])
}

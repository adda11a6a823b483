/**
 * Vitest browser commands (they run in Node, called from tests in Chromium) that drive real
 * ledgers for the integrity tests: two databases sharing a history and a signing key behind
 * the token proxy and the proof forwarder, events appended to either, and the upstream
 * swapped between visits (fork, truncation, deletion). One scenario at a time.
 */
import type { BrowserCommand } from 'vitest/node'
import { startForkedLedgers, type ForkedLedgers } from './forked-ledgers.js'
import { startLedger, type TestLedger } from './ledger.js'
import { startForwardingProxy, type ForwardingProxy } from './proof-forwarder.js'

let scenario: { fork: ForkedLedgers; proxy: ForwardingProxy; empty: TestLedger } | null = null

const stop = async () => {
  if (!scenario) return
  const { fork, proxy, empty } = scenario
  scenario = null
  await proxy.close()
  await fork.close()
  await empty.close()
}

const pick = (which: 'a' | 'b' | 'empty') => (which === 'empty' ? scenario!.empty : scenario!.fork[which])

export const integrityCommands = {
  /** Start a scenario with `shared` events in both ledgers; serves ledger a. */
  integrityStart: (async (_context, shared: number) => {
    await stop()
    const fork = await startForkedLedgers(shared)
    const empty = await startLedger()
    const proxy = await startForwardingProxy(fork.a, fork.orgId)
    scenario = { fork, proxy, empty }
    return { baseUrl: proxy.baseUrl, orgId: fork.orgId }
  }) satisfies BrowserCommand<[number]>,
  integrityAppend: ((_context, which: 'a' | 'b', count: number) => {
    scenario!.fork.append(pick(which), count)
  }) satisfies BrowserCommand<['a' | 'b', number]>,
  integritySwap: ((_context, which: 'a' | 'b' | 'empty') => {
    scenario!.proxy.swap(pick(which))
  }) satisfies BrowserCommand<['a' | 'b' | 'empty']>,
  /** A token minted server-side (the proxy refuses cross-site token requests from pages). */
  integrityToken: (async () => {
    const response = await fetch(`${scenario!.proxy.baseUrl}/token`, {
      method: 'POST',
      headers: { 'x-test-user': `${scenario!.fork.orgId}|user_1|audit:read` },
    })
    return (await response.json()) as unknown
  }) satisfies BrowserCommand<[]>,
  integrityStop: (async () => stop()) satisfies BrowserCommand<[]>,
}

/** Fetching the keys to pin, without React: retries, checks and states, with time stepped by hand. */
import { describe, expect, it } from 'vitest'
import { AuditError, type AuditClient, type TrustedKeyInput } from '../../../src/core/index.js'
import { KEY_RETRY, loadPinnedKeys, type PinnedKeysLoad } from '../../../src/core/log/pinned-keys.js'
import { createSigner, VECTOR_SEED } from '../../support/signing.js'

const ledger = createSigner(VECTOR_SEED)

/** A client whose getKeys answers from `answers` in turn; sleeps are recorded, not waited. */
function keysClient(answers: (() => Promise<TrustedKeyInput[]>)[]) {
  const sleeps: number[] = []
  let calls = 0
  const client = {
    platform: {
      fetch,
      now: () => 0,
      random: () => 0.5,
      sleep: async (ms: number) => void sleeps.push(ms),
    },
    getKeys: () => answers[Math.min(calls++, answers.length - 1)]!(),
  } as unknown as AuditClient
  return { client, sleeps, calls: () => calls }
}

async function run(client: AuditClient, signal = new AbortController().signal) {
  const states: PinnedKeysLoad[] = []
  await loadPinnedKeys(client, { signal, onState: (state) => states.push(state) })
  return states
}

const down = () => Promise.reject(new AuditError('network', 'down'))

describe('loadPinnedKeys', () => {
  it('retries a network failure with jittered, growing waits, then is ready', async () => {
    const fake = keysClient([down, down, async () => [ledger.publicKey]])
    const states = await run(fake.client)
    expect(states.map((s) => s.status)).toEqual(['loading', 'loading', 'loading', 'ready'])
    expect(fake.sleeps).toEqual([KEY_RETRY.baseDelayMs * 0.5, KEY_RETRY.baseDelayMs])
  })

  it('gives up after its attempts, failed with the last error', async () => {
    const fake = keysClient([down])
    const states = await run(fake.client)
    expect(states.at(-1)).toMatchObject({ status: 'failed', error: { code: 'network' } })
    expect(fake.calls()).toBe(KEY_RETRY.attempts)
  })

  it('fails at once, without retrying, for keys that cannot be pinned', async () => {
    const fake = keysClient([async () => ['01' + '00'.repeat(31)]])
    const states = await run(fake.client)
    expect(states.at(-1)).toMatchObject({ status: 'failed', error: { code: 'upstream', retryable: false } })
    expect(fake.calls()).toBe(1)
  })

  it('tells nothing more once aborted', async () => {
    const controller = new AbortController()
    const fake = keysClient([() => (controller.abort(), down())])
    const states = await run(fake.client, controller.signal)
    expect(states.map((s) => s.status)).toEqual(['loading'])
  })
})

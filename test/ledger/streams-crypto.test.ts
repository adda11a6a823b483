/**
 * The two pieces of stream crypto on their own: the delivery signature against the Standard
 * Webhooks specification's published test vector (also in the svix libraries' tests), and
 * the sealed secret's refusal to open when altered or moved to another stream.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { backoffDelay, DEFAULT_POLICY } from '../../src/ledger/streams/deliverer.js'
import { SecretBox } from '../../src/ledger/streams/secret-box.js'
import { newSigningSecret, signDelivery } from '../../src/ledger/streams/signature.js'

describe('signDelivery', () => {
  it('reproduces the Standard Webhooks test vector, so its libraries verify our deliveries', () => {
    expect(
      signDelivery(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
  })

  it('makes secrets of 32 random bytes behind whsec_', () => {
    const secret = newSigningSecret()
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32)
    expect(newSigningSecret()).not.toBe(secret)
  })
})

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32))

  it('opens what it sealed for the same stream', () => {
    expect(box.open(box.seal('whsec_abc', 'astr_1'), 'astr_1')).toBe('whsec_abc')
  })

  it('refuses a sealed secret copied to another stream, or altered', () => {
    const sealed = box.seal('whsec_abc', 'astr_1')
    expect(() => box.open(sealed, 'astr_2')).toThrow()
    const [v, iv, tag, body] = sealed.split('.')
    const flipped = Buffer.from(body!, 'base64url')
    flipped[0]! ^= 1
    expect(() => box.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'astr_1')).toThrow()
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'astr_1')).toThrow()
  })
})

describe('backoffDelay', () => {
  it('draws from [0, min(cap, base × 2^(n-1))): full jitter', () => {
    const ceilings = [1, 2, 3, 4, 5, 10, 20, 30].map((n) => backoffDelay(n, DEFAULT_POLICY, () => 0.999999))
    expect(ceilings).toEqual([4999, 9999, 19999, 39999, 79999, 2559997, 3599996, 3599996])
    expect(backoffDelay(7, DEFAULT_POLICY, () => 0)).toBe(0)
  })
})

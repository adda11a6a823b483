import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { base64url, LinkSigner } from '../../src/http/signed-link.js'
import { DownloadSigner } from '../../src/ledger/hmac.js'

const secret = new Uint8Array(32).map((_, i) => i)

describe('a signed link', () => {
  it('is base64url HMAC-SHA256 (RFC 2104) over the subject and the expiry, as node:crypto computes it', async () => {
    const links = await LinkSigner.create(secret)
    const expected = createHmac('sha256', secret).update('aexp_1\n1700000000').digest('base64url')
    expect(await links.sign('aexp_1', 1_700_000_000)).toBe(expected)
    expect(expected).toMatch(/^[\w-]{43}$/)
  })

  it('verifies only its own signature over the same subject and expiry', async () => {
    const links = await LinkSigner.create(secret)
    const signature = await links.sign('aexp_1', 100)
    expect(await links.verify('aexp_1', 100, signature)).toBe(true)
    expect(await links.verify('aexp_2', 100, signature)).toBe(false)
    expect(await links.verify('aexp_1', 101, signature)).toBe(false)
    expect(await links.verify('aexp_1', 100, signature.slice(0, -1))).toBe(false)
    expect(await links.verify('aexp_1', 100, '')).toBe(false)
    expect(await (await LinkSigner.create(secret.map((b) => b ^ 1))).verify('aexp_1', 100, signature)).toBe(false)
  })

  it('encodes bytes as unpadded base64url', () => {
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8')
  })
})

describe('the ledger’s presigned download path', () => {
  it('carries the expiry in epoch seconds and the shared base64url signature, and checks against the clock', async () => {
    let now = 1_700_000_000_500
    const downloads = new DownloadSigner(secret, 600, () => now)
    const { path, expiresAt } = await downloads.sign('aexp_1')
    const signature = await (await LinkSigner.create(secret)).sign('aexp_1', 1_700_000_600)
    expect(path).toBe(`/v1/audit/exports/aexp_1/download?expires=1700000600&signature=${signature}`)
    expect(expiresAt).toBe('2023-11-14T22:23:20.000Z')
    expect(await downloads.check('aexp_1', '1700000600', signature)).toBe('ok')
    expect(await downloads.check('aexp_2', '1700000600', signature)).toBe('invalid')
    expect(await downloads.check('aexp_1', '1700000600', signature.toUpperCase())).toBe('invalid')
    now += 600_000
    expect(await downloads.check('aexp_1', '1700000600', signature)).toBe('expired')
  })
})

/**
 * Checkpoints against published examples: the key ID and signature of C2SP signed-note's own
 * example, and a checkpoint signed by Go's checksum database (sum.golang.org), so the format is
 * checked against other implementations, not against our own output.
 */
import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createWebCryptoBackend, nobleBackend } from '../../../src/core/verify/crypto.js'
import {
  checkpointKeyId,
  formatCheckpoint,
  parseSignedCheckpoint,
  verifyCheckpoint,
} from '../../../src/core/proof/checkpoint.js'
import { fromBase64, toBase64 } from '../../../src/protocol/base64.js'

/** A signed-note verifier key, `name+hex(id)+base64(0x01 || public key)`. */
function vkey(text: string) {
  // The base64 part may itself hold '+', so only the first two are separators.
  const [, name, id, key] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(text) as unknown as [string, string, string, string]
  const bytes = fromBase64(key)!
  expect(bytes[0]).toBe(1) // Ed25519
  return { name, id: parseInt(id, 16), publicKey: bytes.subarray(1) }
}

// c2sp.org/signed-note, "Example".
const C2SP_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'
const C2SP_NOTE =
  'This is an example message.\n\n' +
  '— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n'

// A checkpoint served by https://sum.golang.org/latest (origin "go.sum database tree", key
// name sum.golang.org), with the key Go ships in cmd/go.
const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8'
const SUMDB_CHECKPOINT =
  'go.sum database tree\n63096908\n8lHrQPRYe4KT4WQ9/Qk8/taKnD6IRHbFgfN7vQE2Y54=\n\n' +
  '— sum.golang.org Az3gri/oVBN1jAhNZ/iS+W31psFAWRT20/GyrhpU6taFwulQGetBkH5S7wpGXdS935jiIGiUUAXBVHzT/P6fYhqAmAk=\n'

/** A checkpoint signed here, as a ledger signs it: key name = origin. */
function signedHere(body: string, privateKey = generateKeyPairSync('ed25519').privateKey) {
  return {
    privateKey,
    sign: (name: string, keyId: number) => {
      const signature = new Uint8Array(sign(null, Buffer.from(body), privateKey))
      const bytes = new Uint8Array(4 + signature.length)
      new DataView(bytes.buffer).setUint32(0, keyId)
      bytes.set(signature, 4)
      return `${body}\n— ${name} ${toBase64(bytes)}\n`
    },
  }
}

describe.each([
  ['webcrypto', createWebCryptoBackend()],
  ['noble', nobleBackend],
])('checkpoints (%s)', (_name, backend) => {
  it('computes the key ID of C2SP signed-note’s example key and checks its example signature', async () => {
    const key = vkey(C2SP_VKEY)
    expect(await checkpointKeyId(backend, key.name, key.publicKey)).toBe(key.id)
    const signature = fromBase64(C2SP_NOTE.split(' ').at(-1)!.trim())!
    const text = new TextEncoder().encode('This is an example message.\n')
    expect(await backend.verifyEd25519(signature.subarray(4), text, key.publicKey)).toBe(true)
  })

  it('verifies a checkpoint signed by Go’s checksum database, and refuses it altered', async () => {
    const key = vkey(SUMDB_VKEY)
    expect(await checkpointKeyId(backend, key.name, key.publicKey)).toBe(key.id)
    const trust = { keys: [{ name: key.name, publicKey: key.publicKey }] }
    const result = await verifyCheckpoint(backend, SUMDB_CHECKPOINT, trust)
    expect(result).toMatchObject({
      ok: true,
      checkpoint: { origin: 'go.sum database tree', size: 63096908, time: null },
    })
    if (result.ok) expect(toBase64(result.checkpoint.rootHash)).toBe('8lHrQPRYe4KT4WQ9/Qk8/taKnD6IRHbFgfN7vQE2Y54=')

    const grown = SUMDB_CHECKPOINT.replace('63096908', '63096909')
    expect(await verifyCheckpoint(backend, grown, trust)).toMatchObject({ ok: false, problem: 'bad-signature' })
    // Under the default key name (the origin), sum.golang.org's signature is from an unknown key.
    expect(await verifyCheckpoint(backend, SUMDB_CHECKPOINT, { keys: [{ publicKey: key.publicKey }] })).toMatchObject({
      ok: false,
      problem: 'unknown-key',
    })
    expect(await verifyCheckpoint(backend, SUMDB_CHECKPOINT, { ...trust, origin: 'ledger/orgs/aorg_1' })).toMatchObject(
      {
        ok: false,
        problem: 'wrong-log',
      },
    )
  })

  it('round-trips a checkpoint with its time line, signed under its origin', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))
    const origin = 'ledger.example/orgs/aorg_1'
    const body = formatCheckpoint({
      origin,
      size: 5,
      rootHash: new Uint8Array(32).fill(7),
      time: Date.UTC(2026, 10, 29, 22, 0),
    })
    expect(body).toBe(`${origin}\n5\n${toBase64(new Uint8Array(32).fill(7))}\ntime 2026-11-29T22:00:00.000Z\n`)
    const note = signedHere(body, privateKey).sign(origin, await checkpointKeyId(backend, origin, raw))
    const result = await verifyCheckpoint(backend, note, { keys: [{ publicKey: raw }], origin })
    expect(result).toMatchObject({ ok: true, checkpoint: { origin, size: 5, time: Date.UTC(2026, 10, 29, 22, 0) } })

    // Another org's log cannot borrow this signature: the key ID binds the origin.
    const other = note
      .replace(origin, 'ledger.example/orgs/aorg_2')
      .replace(`— ${origin}`, '— ledger.example/orgs/aorg_2')
    expect(await verifyCheckpoint(backend, other, { keys: [{ publicKey: raw }] })).toMatchObject({
      ok: false,
      problem: 'unknown-key',
    })
  })

  it('refuses malformed notes with a sentence, never an exception', async () => {
    const good = SUMDB_CHECKPOINT
    const cases: [unknown, RegExp][] = [
      [42, /not text/],
      [good.slice(0, -1), /newline/],
      [good.replace('\n\n', '\n'), /blank line/],
      [good.replace('63096908', '063096908'), /tree size/],
      [good.replace('63096908', '99999999999999999999'), /tree size/],
      [good.replace('8lHr', '8lH!'), /root hash/],
      [good.replace('=\n\n', '\n\n'), /root hash/],
      [good.replace('— sum', '- sum'), /signature line/],
      [good.replace('tree\n', 'tree\u0007\n'), /control/],
      [good.replace('— sum.golang.org', '— sum+golang'), /signature line/],
      ['origin\n1\n' + toBase64(new Uint8Array(32)) + '\ntime yesterday\n\n' + good.split('\n\n')[1], /time line/],
      ['a\n\nb\n\n— k AAAAAAA=\n', /origin, a tree size/],
    ]
    for (const [note, message] of cases) {
      const parsed = parseSignedCheckpoint(note)
      expect(parsed.ok).toBe(false)
      if (!parsed.ok) expect(parsed.message).toMatch(message)
      expect(await verifyCheckpoint(backend, note, { keys: [] })).toMatchObject({ ok: false, problem: 'malformed' })
    }
  })
})

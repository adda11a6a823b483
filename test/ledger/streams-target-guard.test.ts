/**
 * The stream target guard on its own: which addresses are public, and the connection lookup
 * that resolves once, judges every address and hands net.connect exactly what it judged.
 */
import type { LookupAddress, LookupOptions } from 'node:dns'
import { Agent, createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { guardedLookup, isPublicAddress, RefusedTarget, type Resolver } from '../../src/ledger/streams/target-guard.js'

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '100.64.0.1', // CGNAT
    '100.127.255.255',
    '192.0.0.8',
    '198.18.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::ffff:127.0.0.1', // IPv4-mapped, dotted
    '::ffff:7f00:1', // IPv4-mapped, as the WHATWG URL parser writes it
    '::ffff:a9fe:a9fe', // 169.254.169.254, mapped
    '::ffff:10.0.0.1',
    '::127.0.0.1', // IPv4-compatible (deprecated)
    '64:ff9b::7f00:1', // NAT64 of 127.0.0.1
    '64:ff9b::10.0.0.1',
    '64:ff9b:1::1', // local-use NAT64
    'fc00::1',
    'fd12:3456::1', // ULA
    'fe80::1', // link-local
    'fe80::1%eth0',
    'fec0::1',
    'ff02::1',
    '2001:db8::1',
    '2001::1', // Teredo
    '2002:7f00:1::1', // 6to4 of 127.0.0.1
    '100::1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false)
  })

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true)
  })
})

/** Run the lookup as net.connect does, with or without `all` (autoSelectFamily asks for all). */
function lookupOnce(resolve: Resolver, all: boolean, family: LookupOptions['family'] = 0) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((done) => {
    guardedLookup(resolve)('hook.example', { all, family }, (error, address) => done({ error, address }))
  })
}

describe('guardedLookup', () => {
  it('resolves once and connects to the address it judged, so a rebinding name cannot switch it', async () => {
    // A rebinding DNS server: public on the first question, loopback on every later one.
    let asked = 0
    const rebinding: Resolver = async () =>
      asked++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]
    expect(await lookupOnce(rebinding, false)).toEqual({ error: null, address: '93.184.216.34' })
    expect(asked).toBe(1)
    // The next connection asks again and is judged again: now refused.
    const again = await lookupOnce(rebinding, false)
    expect(again.error).toBeInstanceOf(RefusedTarget)
  })

  it('refuses when any address is private, not only the first', async () => {
    const mixed: Resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '::1', family: 6 },
    ]
    expect((await lookupOnce(mixed, true)).error).toBeInstanceOf(RefusedTarget)
    expect((await lookupOnce(mixed, false)).error).toBeInstanceOf(RefusedTarget)
  })

  it('refuses IPv6 and IPv4-mapped answers', async () => {
    for (const address of ['::ffff:127.0.0.1', '::ffff:a9fe:a9fe', 'fd00::1', 'fe80::1', '::1']) {
      const error = (await lookupOnce(async () => [{ address, family: 6 }], true)).error
      expect(error, address).toBeInstanceOf(RefusedTarget)
      expect(error?.code).toBe('EREFUSEDTARGET')
    }
  })

  it('answers every judged address when asked for all, and only the asked family', async () => {
    const both: Resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]
    expect(await lookupOnce(both, true)).toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700::1111', family: 6 },
      ],
    })
    expect(await lookupOnce(both, false, 6)).toEqual({ error: null, address: '2606:4700::1111' })
    expect(await lookupOnce(both, false, 'IPv4')).toEqual({ error: null, address: '93.184.216.34' })
  })

  it('refuses a name that does not resolve as it refuses a private one, with the cause only in the detail', async () => {
    const failing: Resolver = () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }))
    const unresolved = (await lookupOnce(failing, false)).error
    const internal = (await lookupOnce(async () => [{ address: '10.0.0.7', family: 4 }], false)).error
    expect(unresolved).toBeInstanceOf(RefusedTarget)
    expect(internal).toBeInstanceOf(RefusedTarget)
    expect([unresolved?.code, unresolved?.message]).toEqual([internal?.code, internal?.message])
    expect((unresolved as RefusedTarget).detail).toBe('hook.example did not resolve (ENOTFOUND)')
    expect((internal as RefusedTarget).detail).toBe('hook.example resolves to 10.0.0.7, not a public address')
  })

  it('refuses a name with no address of the family asked for', async () => {
    const error = (await lookupOnce(async () => [{ address: '93.184.216.34', family: 4 }], false, 6)).error
    expect(error).toBeInstanceOf(RefusedTarget)
    expect((error as RefusedTarget).detail).toBe('hook.example has no IPv6 address')
  })
})

describe('guardedLookup on a real socket', () => {
  it('connects to the address it judged, with the name kept as Host, and never resolves twice', async () => {
    // 127.0.0.1 stands in for a public address and 127.0.0.2 for a private one; the receiver
    // listens on 127.0.0.1 only. The name answers 127.0.0.1 once, then rebinds to 127.0.0.2.
    const hosts: string[] = []
    const server = createServer((request, response) => {
      hosts.push(String(request.headers.host))
      response.end('ok')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    let asked = 0
    const rebinding: Resolver = async () => [{ address: asked++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 }]
    const agent = new Agent({ lookup: guardedLookup(rebinding, (address) => address === '127.0.0.1') })
    const get = () =>
      new Promise<number | NodeJS.ErrnoException>((resolve) => {
        const request = httpRequest(`http://rebind.example:${port}/`, { agent }, (response) => {
          response.resume()
          response.on('end', () => resolve(response.statusCode!))
        })
        request.on('error', resolve)
        request.end()
      })
    try {
      expect(await get()).toBe(200)
      expect(asked).toBe(1)
      expect(hosts).toEqual([`rebind.example:${port}`])
      // A new connection asks again, and the rebound answer is refused before any connect.
      const second = await get()
      expect(second).toBeInstanceOf(RefusedTarget)
      expect(hosts).toHaveLength(1)
    } finally {
      agent.destroy()
      server.close()
    }
  })
})

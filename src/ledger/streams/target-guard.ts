/**
 * Where a webhook stream may deliver: public unicast addresses only, judged on the addresses a
 * name resolves to, and the connection pinned to the address that was judged. Whoever may create
 * a stream (an API key with `audit:write`, or an end customer's `log_streams` portal session)
 * would otherwise make the ledger POST to, and through `test` probe, its own network: loopback,
 * RFC 1918, link-local with the cloud metadata service at 169.254.169.254, ULA and so on (the
 * OWASP SSRF Prevention Cheat Sheet, "Application layer: the case of a URL").
 *
 * The check runs inside the socket's `lookup` (node's `net.connect` option), so the address
 * judged is the address connected to: a name whose DNS answer changes between a check and the
 * connect (DNS rebinding) has nothing left to change. An IP literal skips `lookup` in
 * `net.connect`, so it is judged before the request instead.
 */
import { lookup as dnsLookup } from 'node:dns/promises'
import { BlockList, isIP, type LookupFunction } from 'node:net'

/** One resolved address, as `dns.lookup(name, {all: true})` answers. */
export interface ResolvedAddress {
  address: string
  family: number
}

/** Resolve a host name to all its addresses; injected by tests (default `dns.lookup`, all of them). */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true })

// node's built-in net.BlockList rather than a package (ipaddr.js is not a dependency here): it
// parses both families, and IPv4 rules also match the IPv4-mapped IPv6 forms (::ffff:7f00:1),
// as node's docs state for BlockList.check, so one table covers both spellings.
// IANA IPv4 Special-Purpose Address Registry (RFC 6890 and updates), plus multicast (RFC 5771)
// and the reserved 240/4 with the limited broadcast. None is a place a webhook lives.
const SPECIAL_IPV4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 connects to the local host on Linux
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // RFC 6598 shared address space (CGNAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, including the 169.254.169.254 metadata services
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast (RFC 7526)
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255
]

const special = new BlockList()
for (const [network, prefix] of SPECIAL_IPV4) special.addSubnet(network, prefix, 'ipv4')
// Inside IPv6 global unicast (2000::/3), the special blocks of the IANA IPv6 Special-Purpose
// Address Registry; everything outside 2000::/3 (::, ::1, ::/96, fc00::/7 ULA, fe80::/10
// link-local, fec0::/10, ff00::/8 multicast, 100::/64, 64:ff9b:1::/48) is refused by
// `globalUnicast` below, except the two prefixes that embed an IPv4 address.
special.addSubnet('2001::', 23, 'ipv6') // IETF protocol assignments, Teredo (which embeds IPv4)
special.addSubnet('2001:db8::', 32, 'ipv6') // documentation
special.addSubnet('2002::', 16, 'ipv6') // 6to4, which embeds any IPv4 address (RFC 7526)
special.addSubnet('3fff::', 20, 'ipv6') // documentation (RFC 9637)

const globalUnicast = new BlockList()
globalUnicast.addSubnet('2000::', 3, 'ipv6')

const ipv4Mapped = new BlockList()
ipv4Mapped.addSubnet('::ffff:0:0', 96, 'ipv6')

// NAT64's well-known prefix (RFC 6052) reaches the IPv4 address in its last 32 bits, so on an
// IPv6-only network with DNS64 it is how public IPv4 receivers are reached; it is judged by
// that IPv4 address.
const nat64 = new BlockList()
nat64.addSubnet('64:ff9b::', 96, 'ipv6')
const nat64Special = new BlockList()
for (const [network, prefix] of SPECIAL_IPV4) nat64Special.addSubnet(`64:ff9b::${network}`, 96 + prefix, 'ipv6')

/** Whether `address` (an IPv4 or IPv6 address, no brackets) is public unicast, where streams may deliver. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address)
  try {
    if (family === 4) return !special.check(address, 'ipv4')
    if (family !== 6) return false
    if (ipv4Mapped.check(address, 'ipv6')) return !special.check(address, 'ipv6')
    if (nat64.check(address, 'ipv6')) return !nat64Special.check(address, 'ipv6')
    return globalUnicast.check(address, 'ipv6') && !special.check(address, 'ipv6')
  } catch {
    // An address BlockList cannot parse (a zone id, say) is not one we can vouch for.
    return false
  }
}

/** The host of a URL as an address when it is an IP literal (`[::1]` unbracketed), else null. */
export function ipLiteralOf(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  return isIP(host) !== 0 ? host : null
}

/**
 * Thrown inside a connection's lookup (or before the request, for an IP literal) when a host has
 * no address streams may reach: it does not resolve, or it resolves to a private or
 * special-purpose address. Both are one error on purpose: told apart, a stream creator learns
 * which internal names exist on the ledger's network. `detail` says which it was, for the
 * ledger's own log only; it never goes into an API answer or the database.
 */
export class RefusedTarget extends Error {
  readonly code = 'EREFUSEDTARGET'
  constructor(readonly detail: string) {
    super('the stream host has no public address')
  }
}

/** The system error code of a failed DNS lookup, or a placeholder when it has none worth printing. */
function dnsCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? code : 'no code'
}

/**
 * A `lookup` for `http.Agent` / `https.Agent` (passed on to `net.connect`) that resolves once,
 * refuses the connection unless every address is public, and connects to those same addresses.
 * A name that does not resolve is refused the same way (RefusedTarget). TLS still names the host (SNI and the certificate check use the URL's name, not the address).
 * `allowed` is injected by tests only, to stand a loopback address in for a public one.
 */
export function guardedLookup(
  resolve: Resolver,
  allowed: (address: string) => boolean = isPublicAddress,
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        // net.connect passes 4, 6 or 0; dns.LookupOptions also allows the names.
        const wanted =
          options.family === 4 || options.family === 'IPv4'
            ? 4
            : options.family === 6 || options.family === 'IPv6'
              ? 6
              : 0
        const addresses = found.filter((a) => wanted === 0 || a.family === wanted)
        // Every address, not just the first: with autoSelectFamily node may try any of them.
        if (addresses.length === 0)
          return callback(new RefusedTarget(`${hostname} has no ${wanted === 0 ? '' : `IPv${wanted} `}address`), '')
        const refused = addresses.filter((a) => !allowed(a.address))
        if (refused.length > 0)
          return callback(
            new RefusedTarget(
              `${hostname} resolves to ${refused.map((a) => a.address).join(', ')}, not a public address`,
            ),
            '',
          )
        // net.connect asks for `all` when it races address families (autoSelectFamily).
        if (options.all)
          return callback(
            null,
            addresses.map((a) => ({ address: a.address, family: a.family })),
          )
        callback(null, addresses[0]!.address, addresses[0]!.family)
      },
      (error: unknown) => callback(new RefusedTarget(`${hostname} did not resolve (${dnsCode(error)})`), ''),
    )
  }
}

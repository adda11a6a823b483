/**
 * X.509 certificates made in the test, so no private key is ever committed: a private CA and
 * leaves it signs (or leaves that sign themselves), ECDSA P-256 with SHA-256.
 *
 * Written by hand with node:crypto because node can parse certificates (`X509Certificate`) but
 * not make them, no certificate library is a dependency here, and the `openssl` binary is not
 * on every CI image. The DER follows RFC 5280 section 4.1 (TBSCertificate and its extensions)
 * and X.690 (DER). Validity runs from 2000 to 9999-12-31 (RFC 5280 4.1.2.5: "no well-defined
 * expiration date"), and the expired and not-yet-valid certificates tests ask for end in 2001
 * and start in 9998, so no outcome depends on the day a test runs.
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto'
import { isIPv4 } from 'node:net'

/** A certificate with its private key, as PEM, ready for `https.createServer({cert, key})`. */
export interface Issued {
  cert: string
  key: string
  /** The subject's common name, also the issuer name of the certificates it signs. */
  name: string
  privateKey: KeyObject
}

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff])
  return Buffer.concat([Buffer.from([tag]), length, content])
}
const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items))
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items))
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'))
const octets = (content: Buffer) => tlv(0x04, content)
const bits = (content: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), content]))
const TRUE = tlv(0x01, Buffer.from([0xff]))

function integer(bytes: Buffer): Buffer {
  // DER integers are two's complement: a leading 1 bit needs a 0 byte to stay positive.
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes)
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number)
  const out = [first! * 40 + second!]
  for (const arc of rest) {
    const base128 = [arc & 0x7f]
    for (let value = arc >> 7; value > 0; value >>= 7) base128.unshift((value & 0x7f) | 0x80)
    out.push(...base128)
  }
  return tlv(0x06, Buffer.from(out))
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'))
const commonName = (name: string) => sequence(set(sequence(oid('2.5.4.3'), utf8(name))))
const extension = (id: string, critical: boolean, value: Buffer) =>
  sequence(oid(id), ...(critical ? [TRUE] : []), octets(value))

function subjectAltName(names: readonly string[]): Buffer {
  // GeneralName dNSName is [2] IA5String, iPAddress is [7] OCTET STRING (RFC 5280 4.2.1.6).
  const general = names.map((name) =>
    isIPv4(name) ? tlv(0x87, Buffer.from(name.split('.').map(Number))) : tlv(0x82, Buffer.from(name, 'ascii')),
  )
  return sequence(...general)
}

function pem(label: string, der: Buffer): string {
  const lines = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`
}

/** What to put in a certificate: its name, and for a leaf the host names and IPv4 addresses it is for. */
export interface Subject {
  name: string
  /** Subject alternative names: DNS names, or IPv4 addresses. A CA has none. */
  altNames?: readonly string[]
  ca?: boolean
  /**
   * notBefore and notAfter as UTCTime (`YYMMDDHHMMSSZ`, before 2050) or GeneralizedTime
   * (`YYYYMMDDHHMMSSZ`); default 2000 to 9999.
   */
  validity?: readonly [string, string]
}

const time = (text: string) => tlv(text.length === 13 ? 0x17 : 0x18, Buffer.from(text, 'ascii'))

/**
 * Make a key pair and a certificate for `subject`, signed by `issuer`, or by itself when none is
 * given. `issuer` needs only a name and a private key, so a test can forge a signature.
 */
export function issue(subject: Subject, issuer?: Pick<Issued, 'name' | 'privateKey'>): Issued {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const serial = randomBytes(16)
  serial[0] = (serial[0]! & 0x7f) | 0x01 // positive and non-zero (RFC 5280 4.1.2.2)
  const extensions = subject.ca
    ? [
        extension('2.5.29.19', true, sequence(TRUE)), // basicConstraints cA
        extension('2.5.29.15', true, bits(Buffer.from([0x06]), 1)), // keyUsage keyCertSign, cRLSign
      ]
    : [
        extension('2.5.29.19', true, sequence()),
        extension('2.5.29.15', true, bits(Buffer.from([0x80]), 7)), // keyUsage digitalSignature
        extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage serverAuth
        extension('2.5.29.17', false, subjectAltName(subject.altNames ?? [])),
      ]
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))), // version v3
    integer(serial),
    ECDSA_WITH_SHA256,
    commonName(issuer?.name ?? subject.name),
    sequence(...(subject.validity ?? ['000101000000Z', '99991231235959Z']).map(time)),
    commonName(subject.name),
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, sequence(...extensions)),
  )
  const signature = sign('sha256', tbs, issuer?.privateKey ?? privateKey) // ECDSA, DER-encoded
  const cert = pem('CERTIFICATE', sequence(tbs, ECDSA_WITH_SHA256, bits(signature)))
  new X509Certificate(cert) // throws if the DER above is malformed, so a test fails here, not in TLS
  return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, name: subject.name, privateKey }
}

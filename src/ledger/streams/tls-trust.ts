/**
 * Which certificate authorities HTTPS deliveries trust: node's default trust store (its bundled
 * Mozilla roots plus NODE_EXTRA_CA_CERTS), plus the private CAs an operator names (`streams.ca`,
 * `auditlens serve --stream-ca FILE`) for receivers whose certificates a company CA issued. Those
 * extra CAs apply to stream deliveries only, not to the rest of the process.
 */
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as tls from 'node:tls'

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

/**
 * Certificates whose PEM has been parsed once. Only {@link StreamCa.parse} and
 * {@link StreamCa.join} make one, so whoever holds a `StreamCa` (the Ledger, after
 * `auditlens serve` checked its files) passes it on without parsing again.
 */
export class StreamCa {
  readonly #certificates: readonly string[]
  private constructor(certificates: readonly string[]) {
    this.#certificates = certificates
  }

  /** The PEM blocks, each a certificate that parsed. */
  get certificates(): readonly string[] {
    return this.#certificates
  }

  /**
   * The certificates in PEM text (one or more `CERTIFICATE` blocks, as a CA bundle file holds
   * them), each checked to parse, so a wrong file fails when the ledger starts rather than at
   * every delivery. Throws an Error naming `source` when there is none or one does not parse.
   */
  static parse(pem: string, source: string): StreamCa {
    const blocks = pem.match(PEM_CERTIFICATE) ?? []
    if (blocks.length === 0) throw new Error(`${source} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`)
    blocks.forEach((block, index) => {
      try {
        new X509Certificate(block)
      } catch {
        throw new Error(`${source}: certificate ${index + 1} of ${blocks.length} does not parse`)
      }
    })
    return new StreamCa(blocks)
  }

  /** Several checked sets as one, in order (each `--stream-ca` file). */
  static join(parts: readonly StreamCa[]): StreamCa {
    return new StreamCa(parts.flatMap((part) => part.#certificates))
  }
}

/**
 * `streams.ca` as the ledger takes it: a {@link StreamCa} as it is, or PEM text (one or several),
 * checked (see {@link StreamCa.parse}). The ledger calls this before it opens its database, so a
 * wrong file leaves no database behind and no handle open.
 */
export function streamCa(ca: StreamCa | string | readonly string[] | undefined): StreamCa {
  if (ca instanceof StreamCa) return ca
  const texts = ca === undefined ? [] : typeof ca === 'string' ? [ca] : ca
  return StreamCa.join(
    texts.map((text, index) => StreamCa.parse(text, texts.length === 1 ? 'streams.ca' : `streams.ca[${index}]`)),
  )
}

/** `tls.getCACertificates`, from node 22.15 and 23.10 on; absent from node 20's typings and runtime. */
type GetCaCertificates = (type: 'default') => string[]

/**
 * Node's default trust store as PEM: what a TLS connection without a `ca` option trusts. Where
 * node has `tls.getCACertificates('default')` (node 22.15+, 23.10+) that is its answer. On older
 * node (this package supports node 20) it is the bundled roots plus the certificates of the file
 * NODE_EXTRA_CA_CERTS names, read the way node reads it (src/crypto/crypto_context.cc,
 * `UseExtraCaCerts`): once per process, and a file that cannot be read adds nothing (node has
 * already warned about it). Blocks that do not parse are skipped, as node skips them.
 */
export function defaultTrustStore(): readonly string[] {
  const get = (tls as { getCACertificates?: GetCaCertificates }).getCACertificates
  if (typeof get === 'function') return get('default')
  defaultStore ??= [...tls.rootCertificates, ...extraCaCertificates(process.env.NODE_EXTRA_CA_CERTS)]
  return defaultStore
}
let defaultStore: readonly string[] | undefined

function extraCaCertificates(file: string | undefined): string[] {
  if (!file) return []
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  return (text.match(PEM_CERTIFICATE) ?? []).filter((block) => {
    try {
      new X509Certificate(block)
      return true
    } catch {
      return false
    }
  })
}

/**
 * The `ca` for the HTTPS agent: undefined (node's defaults) when no extra CA is given, else
 * node's default trust store plus the extras. Node's `ca` option replaces the default store
 * rather than adding to it ("Mozilla's CAs are completely replaced when CAs are explicitly
 * specified", node docs, tls.createSecureContext), so without it one private CA would make every
 * public receiver, and every receiver NODE_EXTRA_CA_CERTS vouches for, fail.
 */
export function trustAnchors(ca: StreamCa): string[] | undefined {
  return ca.certificates.length === 0 ? undefined : [...defaultTrustStore(), ...ca.certificates]
}

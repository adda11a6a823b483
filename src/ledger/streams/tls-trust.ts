/**
 * Which certificate authorities HTTPS deliveries trust: node's bundled Mozilla roots, plus the
 * private CAs an operator names (`streams.ca`, `auditlens serve --stream-ca FILE`) for receivers
 * whose certificates a company CA issued. The extra CAs apply to stream deliveries only, not to
 * the rest of the process, unlike NODE_EXTRA_CA_CERTS.
 */
import { X509Certificate } from 'node:crypto'
import { rootCertificates } from 'node:tls'

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

/**
 * The certificates in PEM text (one or more `CERTIFICATE` blocks, as a CA bundle file holds
 * them), each checked to parse, so a wrong file fails when the ledger starts rather than at every
 * delivery. Throws an Error naming `source` when there is none or one does not parse.
 */
export function certificatesOf(pem: string, source: string): string[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0) throw new Error(`${source} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`)
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block)
    } catch {
      throw new Error(`${source}: certificate ${index + 1} of ${blocks.length} does not parse`)
    }
  })
  return blocks
}

/**
 * `streams.ca` as the ledger takes it (one PEM text or several), as certificates, each checked
 * (see {@link certificatesOf}). The ledger calls this before it opens its database, so a wrong
 * file leaves no database behind and no handle open.
 */
export function streamCertificates(ca: string | readonly string[] | undefined): string[] {
  const texts = ca === undefined ? [] : typeof ca === 'string' ? [ca] : ca
  return texts.flatMap((text, index) =>
    certificatesOf(text, texts.length === 1 ? 'streams.ca' : `streams.ca[${index}]`),
  )
}

/**
 * The `ca` for the HTTPS agent: undefined (node's defaults, which include NODE_EXTRA_CA_CERTS)
 * when no extra CA is given, else the bundled Mozilla roots plus the extras. Node's `ca` option
 * replaces the roots rather than adding to them ("Mozilla's CAs are completely replaced when CAs
 * are explicitly specified", node docs, tls.createSecureContext), so without the roots one
 * private CA would make every public receiver fail.
 */
export function trustAnchors(ca: readonly string[] = []): string[] | undefined {
  return ca.length === 0 ? undefined : [...rootCertificates, ...ca]
}

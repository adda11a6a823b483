/**
 * The proxy's checkpoint and proof routes (the completeness extension, issue 14): the token
 * org's signed checkpoint (C2SP tlog-checkpoint), RFC 9162 consistency proofs between two of
 * its sizes (§2.1.4) and inclusion proofs of its events (§2.1.3). The org always comes from
 * the token; the browser can name sizes and an event, never an org.
 *
 * The browser verifies everything against its pinned keys and its own memory; the proxy only
 * decodes each answer strictly and rebuilds it field by field, so nothing else of the upstream
 * answer (extra fields, message text, headers) passes.
 */
import { parseSignedCheckpoint } from '../core/proof/checkpoint.js'
import { decodePruneMarker } from '../core/verify/prune-marker.js'
import { toBase64 } from '../protocol/base64.js'
import { HttpError, badRequest, notFound } from '../protocol/errors.js'
import { decodeCheckpointAnswer, decodeConsistencyAnswer, decodeInclusionAnswer } from '../protocol/proofs.js'
import { json } from '../http/http-error.js'
import { isCatchAll } from './catch-all.js'
import type { ProxyCrypto, ProxyScope, TokenClaims } from './proxy-crypto.js'
import { parseUpstreamJson, type Upstream } from './upstream.js'

export interface ProofRoutesContext {
  upstream: Upstream
  bearer: (request: Request, keys: ProxyCrypto, scope: ProxyScope) => Promise<TokenClaims>
  basePath: string
  catchAllParam: string
}

/**
 * What the browser gets when the audit API has no such endpoint (a 404, as Invoance's hosted
 * API answers today): a 404 it can tell apart from a missing event, and say so plainly.
 */
const NO_CHECKPOINTS = 'This audit service publishes no checkpoints or proofs, so the log cannot be proven complete.'

const badGateway = (what: string) => new HttpError(502, 'bad_gateway', `The audit API answered with ${what}.`)

/** Call the upstream for a proof; its 404 means the service has no checkpoints. */
async function fetchProof(upstream: Upstream, path: string, request: Request, invalid: string): Promise<unknown> {
  let text: string
  try {
    text = (await upstream.call(path, { signal: request.signal })).text
  } catch (error) {
    if (!(error instanceof HttpError)) throw error
    if (error.status === 404) throw notFound(NO_CHECKPOINTS)
    if (error.status === 400) throw badRequest(invalid)
    if (error.status === 409) {
      // The ledger's 409: the org's oldest events were pruned before it kept a tree.
      throw new HttpError(409, 'conflict', 'The audit service keeps no checkpoint that covers this org’s whole log.')
    }
    throw error
  }
  return parseUpstreamJson(text)
}

/** A log size from the query, or `null` when absent and optional; sizes are whole numbers. */
function sizeParam(url: URL, name: string, required: boolean): number | null {
  const values = url.searchParams.getAll(name)
  if (values.length === 0 && !required) return null
  const text = values.length === 1 ? values[0]! : ''
  if (!/^\d{1,15}$/.test(text)) throw badRequest(`${name} must be given once, as a log size (a whole number).`)
  return Number(text)
}

/** Refuse any query parameter but `allowed` (and a framework's catch-all segment). */
function onlyParams(url: URL, path: string, catchAllParam: string, allowed: string[]): void {
  for (const name of url.searchParams.keys()) {
    if (allowed.includes(name) || isCatchAll(url, path, name, catchAllParam)) continue
    if (name === 'org_id' || name === 'organization_id')
      throw badRequest('The org comes from your session; remove org_id from the query.')
    throw badRequest(`${name} is not a query parameter here; use ${allowed.join(', ') || 'none'}.`)
  }
}

/** The three routes, each `(request, …, keys) => Response`. */
export function proofRoutes({ upstream, bearer, basePath, catchAllParam }: ProofRoutesContext) {
  const check = (url: URL, allowed: string[]) =>
    onlyParams(url, url.pathname.slice(basePath.length), catchAllParam, allowed)
  const orgPath = (claims: TokenClaims, rest: string) => `/v1/audit/orgs/${encodeURIComponent(claims.org)}/${rest}`

  return {
    /** `GET {basePath}/checkpoint`: `{checkpoint}`, the org's signed note as the service serves it. */
    async checkpoint(request: Request, url: URL, keys: ProxyCrypto): Promise<Response> {
      const claims = await bearer(request, keys, 'audit:read')
      check(url, [])
      const body = await fetchProof(upstream, orgPath(claims, 'checkpoint'), request, 'This request is invalid.')
      const answer = decodeCheckpointAnswer(body)
      // Well-formed per C2SP signed-note, so the browser gets a note or an error, never junk;
      // its signature is the browser's to check against the keys it pinned.
      const parsed = answer ? parseSignedCheckpoint(answer.checkpoint) : null
      if (!answer || !parsed?.ok) throw badGateway('a checkpoint that is not one')
      // The log's origin names its org (`<ledger name>/orgs/<org id>`, README "Checkpoints and
      // proofs"): a misrouted upstream must not hand one org's genuine checkpoint to another.
      if (!parsed.value.checkpoint.origin.endsWith(`/orgs/${claims.org}`)) {
        throw badGateway('a checkpoint of another org’s log')
      }
      let pruned: Record<string, unknown> | undefined
      if (answer.pruned) {
        // The marker is rebuilt from its known fields (the browser checks its signature).
        const marker = decodePruneMarker(answer.pruned.marker)
        if (!marker.ok) throw badGateway('a pruned prefix without a prune marker')
        pruned = {
          through_seq: answer.pruned.through_seq,
          frontier: answer.pruned.frontier.map(toBase64),
          marker: marker.marker,
        }
      }
      return json({ checkpoint: answer.checkpoint, ...(pruned ? { pruned } : {}) })
    },

    /** `GET {basePath}/consistency?first=M&second=N`: `{proof}` (RFC 9162 §2.1.4). */
    async consistency(request: Request, url: URL, keys: ProxyCrypto): Promise<Response> {
      const claims = await bearer(request, keys, 'audit:read')
      check(url, ['first', 'second'])
      const first = sizeParam(url, 'first', true)!
      const second = sizeParam(url, 'second', true)!
      if (first > second) throw badRequest('first must not be larger than second.')
      const body = await fetchProof(
        upstream,
        orgPath(claims, `consistency?first=${first}&second=${second}`),
        request,
        'first and second must be sizes the log has had: second at most its size now.',
      )
      const proof = decodeConsistencyAnswer(body)
      if (!proof) throw badGateway('a consistency proof that is not one')
      return json({ proof: proof.map(toBase64) })
    },

    /**
     * `GET {basePath}/events/:id/inclusion[?size=N]`: `{index, size, proof}` (RFC 9162
     * §2.1.3). The API's inclusion path is not org-scoped, so the event is fetched first and
     * another org's event is "not found", exactly as an unknown id: no hint that it exists,
     * and no proof of another org's tree.
     */
    async inclusion(request: Request, id: string, url: URL, keys: ProxyCrypto): Promise<Response> {
      const claims = await bearer(request, keys, 'audit:read')
      check(url, ['size'])
      const size = sizeParam(url, 'size', false)
      const missing = () => notFound(`No event has id "${id}".`)
      const eventPath = `/v1/audit/events/${encodeURIComponent(id)}`
      let event: unknown
      try {
        event = parseUpstreamJson((await upstream.call(eventPath, { signal: request.signal })).text)
      } catch (error) {
        throw error instanceof HttpError && error.status === 404 ? missing() : error
      }
      const own = typeof event === 'object' && event !== null && !Array.isArray(event) ? event : {}
      if (!('org_id' in own) || own.org_id !== claims.org) throw missing()
      const body = await fetchProof(
        upstream,
        `${eventPath}/inclusion${size === null ? '' : `?size=${size}`}`,
        request,
        'size must be from the event’s seq to the log’s size now.',
      )
      const answer = decodeInclusionAnswer(body)
      const seq = 'seq' in own ? own.seq : undefined
      // A proof for another leaf or tree size than asked would fail in the browser anyway;
      // refusing it here says where the fault is.
      if (!answer || answer.index !== Number(seq) - 1 || (size !== null && answer.size !== size))
        throw badGateway('an inclusion proof that is not one for this event')
      return json({ index: answer.index, size: answer.size, proof: answer.proof.map(toBase64) })
    },
  }
}

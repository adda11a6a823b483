/**
 * Webhook streams as one service (`ledger.streams`) that the API routes and the portal's
 * routes both call, with the org already resolved by the caller.
 */
import { randomBytes } from 'node:crypto'
import type { AuditJsonValue } from '../../core/index.js'
import { badRequest, notFound } from '../../protocol/errors.js'
import type { Db } from '../database.js'
import type { EventStore } from '../event-store.js'
import { DEFAULT_POLICY, Deliverer, type DeliveryPolicy } from './deliverer.js'
import { RefusalLog } from './refusal-log.js'
import { SecretBox } from './secret-box.js'
import { send, type DeliveryPlatform } from './send.js'
import { newSigningSecret } from './signature.js'
import { StreamStore, streamJson } from './stream-store.js'
import { ipLiteralOf, isPublicAddress, systemResolver, type Resolver } from './target-guard.js'
import type { StreamCa } from './tls-trust.js'
import { createTransport, type Transport } from './transport.js'

/** How streams deliver; every field is optional, and tests inject the platform to step time. */
export interface StreamOptions
  extends Partial<DeliveryPolicy>, Partial<Pick<DeliveryPlatform, 'now' | 'setTimeout' | 'clearTimeout'>> {
  /**
   * Run the background deliverer in this process (`auditlens serve` does). Off by default, so
   * that short-lived processes on the same database (`auditlens seed`, scripts) do not deliver
   * alongside the server. `test` deliveries work either way.
   */
  deliver?: boolean
  /** Uniform in [0, 1), for the backoff's jitter (default `Math.random`). */
  random?: () => number
  /**
   * Let streams deliver to private and special-purpose addresses (loopback, RFC 1918,
   * link-local, ULA...). Off by default: whoever may create a stream, a `log_streams` portal
   * session included, could otherwise make the ledger probe its own network. Turn it on for
   * tests and local development only (`auditlens serve --allow-private-stream-targets`).
   */
  allowPrivateTargets?: boolean
  /** How host names are resolved before the guard judges them (default `dns.lookup`, all addresses). */
  resolve?: Resolver
  /**
   * Private CAs that HTTPS receivers' certificates may chain to, as PEM text (one or more
   * `CERTIFICATE` blocks each) or as a {@link StreamCa} already checked, trusted for stream
   * deliveries only and in addition to node's default trust store (its bundled Mozilla roots
   * and NODE_EXTRA_CA_CERTS; `auditlens serve --stream-ca FILE`). The Ledger throws when a text
   * holds no certificate or one that does not parse, before it opens its database.
   */
  ca?: StreamCa | string | readonly string[]
  /**
   * Where the ledger logs what an API answer must not say, such as why a host was refused
   * (default `console.warn`); once per stream until the reason changes (refusal-log.ts).
   */
  warn?: (line: string) => void
}

/** What `POST .../streams` accepts, decoded. */
export interface StreamInput {
  url: string
}

const MAX_URL = 2048

/**
 * Decode a create-stream body: `{type?: "webhook", url}` as every Invoance SDK sends it
 * (invoance-node `audit.ts` streams.create; Python, Go, Ruby alike). Unknown fields are refused.
 */
export function parseStreamInput(body: Record<string, AuditJsonValue>): StreamInput {
  for (const key of Object.keys(body)) {
    if (key !== 'type' && key !== 'url') throw badRequest(`${key} is not a field of a stream; send type and url.`)
  }
  if (body.type !== undefined && body.type !== 'webhook') throw badRequest('type must be "webhook" (the only type).')
  const text = body.url
  if (typeof text !== 'string' || text.length < 1 || text.length > MAX_URL)
    throw badRequest(`url must be an http or https URL of at most ${MAX_URL} characters.`)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw badRequest('url is not a valid URL; send an absolute http or https URL.')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('url must use http or https.')
  // Credentials in the URL would be shown back by GET .../streams to anyone with a read key.
  if (url.username !== '' || url.password !== '')
    throw badRequest('url must not carry a user name or password; the signature authenticates deliveries.')
  return { url: url.href }
}

const defaultTimeout = (run: () => void, ms: number) => {
  const handle = setTimeout(run, ms)
  // Background retries must not keep a process alive that has nothing else to do.
  handle.unref()
  return handle
}

export class Streams {
  private readonly store: StreamStore
  private readonly transport: Transport
  private readonly allowPrivateTargets: boolean
  private readonly deliverer: Deliverer
  private readonly platform: DeliveryPlatform
  private readonly policy: DeliveryPolicy

  /** `options.ca` comes checked: the Ledger parses it once, before it opens the database. */
  constructor(
    db: Db,
    events: EventStore,
    key: Buffer,
    now: () => number,
    options: Omit<StreamOptions, 'ca'> & { ca?: StreamCa } = {},
  ) {
    this.store = new StreamStore(db, new SecretBox(key))
    this.allowPrivateTargets = options.allowPrivateTargets ?? false
    this.transport = createTransport({
      allowPrivateTargets: this.allowPrivateTargets,
      resolve: options.resolve ?? systemResolver,
      ...(options.ca && { ca: options.ca }),
    })
    this.platform = {
      post: this.transport.post,
      now: options.now ?? now,
      setTimeout: options.setTimeout ?? defaultTimeout,
      clearTimeout: options.clearTimeout ?? ((handle) => clearTimeout(handle as NodeJS.Timeout)),
      refusals: new RefusalLog(options.warn ?? console.warn, options.now ?? now),
    }
    this.policy = {
      timeoutMs: options.timeoutMs ?? DEFAULT_POLICY.timeoutMs,
      baseDelayMs: options.baseDelayMs ?? DEFAULT_POLICY.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_POLICY.maxDelayMs,
      pauseAfter: options.pauseAfter ?? DEFAULT_POLICY.pauseAfter,
      pollMs: options.pollMs ?? DEFAULT_POLICY.pollMs,
    }
    this.deliverer = new Deliverer(this.store, events, this.platform, this.policy, options.random ?? Math.random)
    if (options.deliver) this.deliverer.start()
  }

  /** Create a stream; the answer carries `signing_secret`, the only time it is ever shown. */
  create(orgId: string, input: StreamInput) {
    // A literal address is judged now, with a clear 400; a name is judged at each delivery,
    // after it resolves (target-guard.ts), since what it resolves to can change.
    const literal = ipLiteralOf(new URL(input.url))
    if (!this.allowPrivateTargets && literal !== null && !isPublicAddress(literal))
      throw badRequest(
        'url points at a private or special-purpose address (loopback, private network, link-local...); ' +
          'streams deliver to public addresses only. For local development, start the ledger with ' +
          '--allow-private-stream-targets.',
      )
    const secret = newSigningSecret()
    const row = this.store.create(orgId, input.url, secret, this.platform.now())
    return { ...streamJson(row), signing_secret: secret }
  }

  /** The org's streams with their health; never a secret. */
  list(orgId: string) {
    return this.store.list(orgId).map(streamJson)
  }

  /** Delete a stream of `orgId`; a 404 when it has none by that id. */
  remove(orgId: string, streamId: string): { deleted: true; id: string } {
    this.require(orgId, streamId)
    this.store.remove(streamId)
    this.platform.refusals.forget(streamId)
    return { deleted: true, id: streamId }
  }

  /** Resume a paused stream (an auditlens extension); answers the stream. */
  resume(orgId: string, streamId: string) {
    this.require(orgId, streamId)
    this.store.resume(streamId)
    this.deliverer.wake(orgId)
    return streamJson(this.store.get(streamId)!)
  }

  /**
   * Send one signed `stream.test` delivery now and report it as Invoance's viewer reads it.
   * It does not touch the stream's cursor or health: a test says whether the receiver answers,
   * and a paused stream can be tested before it is resumed.
   */
  async test(
    orgId: string,
    streamId: string,
  ): Promise<{ delivered: boolean; http_status: number | null; error: string | null }> {
    const stream = this.require(orgId, streamId)
    const now = this.platform.now()
    const body = JSON.stringify({
      type: 'stream.test',
      stream_id: stream.id,
      org_id: stream.org_id,
      sent_at: new Date(now).toISOString(),
    })
    const id = `adlv_test_${randomBytes(12).toString('hex')}`
    const secret = this.store.secretOf(stream)
    const outcome = await send(
      { streamId: stream.id, url: stream.url, secret, id, type: 'stream.test', body },
      this.platform,
      this.policy.timeoutMs,
    )
    return outcome.delivered
      ? { delivered: true, http_status: outcome.httpStatus, error: null }
      : { delivered: false, http_status: outcome.httpStatus, error: outcome.error }
  }

  /** Wake the deliverer for an org's streams, after events were appended to it. */
  notify(orgId: string): void {
    this.deliverer.wake(orgId)
  }

  /** Resolves once no delivery is in flight (tests and benches step time between these). */
  settled(): Promise<void> {
    return this.deliverer.settled()
  }

  /** Stop delivering: timers cleared, in-flight requests cancelled (their events stay pending). */
  async stop(): Promise<void> {
    await this.deliverer.stop()
    this.transport.close()
  }

  private require(orgId: string, streamId: string) {
    const row = this.store.ofOrg(orgId, streamId)
    if (!row) throw notFound(`No stream has id "${streamId}" in this org; GET .../streams lists them.`)
    return row
  }
}

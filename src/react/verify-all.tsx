'use client'
/**
 * The Verify entire log action on the integrity line: core's walkLog in the background (the
 * log stays usable; signatures go to the badges' verifier and its workers), with progress,
 * cancel and a final report in words. Part of the integrity panel's chunk.
 */
import { useEffect, useRef, useState } from 'react'
import type { AuditClient, AuditEvent, CryptoBackend, KeyRing, Verifier, verifyPruneMarker } from '../core/index.js'
import { walkLog, type LogWalkReport } from '../core/proof/log-walk.js'
import { pruneProver } from '../core/proof/prune-proof.js'
import type { PrunedPrefix } from '../protocol/proofs.js'
import type { IntegrityMessages } from './integrity-messages.js'

type WalkState =
  | { status: 'idle' }
  | { status: 'walking'; walked: number }
  | { status: 'done'; report: LogWalkReport }
  | { status: 'failed'; message: string }

export interface VerifyAllProps {
  client: AuditClient
  keyRing: KeyRing
  backend: CryptoBackend
  verifier: Verifier
  canonicalBytes: (event: AuditEvent) => Uint8Array
  /** The verified checkpoint to check against, and its size. */
  note: string
  /** The first download's prune-marker check (handed over, not imported: see IntegrityPanel). */
  verifyPruneMarker: typeof verifyPruneMarker
  /** The checkpoint's pruned prefix, when retention removed the oldest events. */
  pruned: PrunedPrefix | null
  size: number
  messages: IntegrityMessages
}

/** The button, then progress with Cancel, then the report. */
export function VerifyAll(props: VerifyAllProps) {
  const m = props.messages
  const [state, setState] = useState<WalkState>({ status: 'idle' })
  const running = useRef<AbortController | null>(null)
  // Unmounting (another org, the tab closed) cancels the walk.
  useEffect(() => () => running.current?.abort(), [])

  const start = () => {
    const controller = new AbortController()
    running.current = controller
    setState({ status: 'walking', walked: 0 })
    const { verifier } = props
    walkLog({
      client: props.client,
      checkpoint: props.note,
      pruned: props.pruned,
      provePruned: pruneProver((marker) => props.verifyPruneMarker(marker, { trustedKeys: props.keyRing })),
      size: props.size,
      trust: { keys: props.keyRing.keys.map((key) => ({ publicKey: key.bytes })) },
      backend: props.backend,
      canonicalBytes: props.canonicalBytes,
      // Straight to the workers, with each leaf hashed there: not through the badges' queue,
      // whose bound would drop a walk's events while the reader scrolls.
      verify: (events) => verifier.verifyWithLeaves(events),
      signal: controller.signal,
      onProgress: (walked) => !controller.signal.aborted && setState({ status: 'walking', walked }),
    }).then(
      (report) => !controller.signal.aborted && setState({ status: 'done', report }),
      (error: unknown) =>
        !controller.signal.aborted &&
        setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
    )
  }
  const cancel = () => {
    running.current?.abort()
    setState({ status: 'idle' })
  }

  if (state.status === 'walking')
    return (
      <>
        <progress
          className="al-integrity__progress"
          max={props.size}
          value={Math.min(state.walked, props.size)}
          aria-label={m.verifyProgress(state.walked, props.size)}
        />
        <span aria-live="polite">{m.verifyProgress(state.walked, props.size)}</span>
        <button type="button" className="al-link" onClick={cancel}>
          {m.cancel}
        </button>
      </>
    )
  const report = state.status === 'done' ? state.report : null
  return (
    <>
      {report ? (
        <span role="status" data-walk={report.rootMatches && report.tampered === 0 ? 'ok' : 'problems'}>
          {m.verifyReport({
            verified: report.verified,
            gaps: report.missing,
            tampered: report.tampered,
            untrusted: report.untrusted,
            seconds: report.ms / 1000,
            rootMatches: report.rootMatches,
          })}
        </span>
      ) : null}
      {state.status === 'failed' ? <span role="status">{state.message}</span> : null}
      <button type="button" className="al-link" onClick={start}>
        {m.verifyAll}
      </button>
    </>
  )
}

'use client'
/**
 * The integrity line above the table, and the alarm. Loaded on demand after the first rows
 * (the monitor, checkpoint parsing and the proofs are not needed to show events), it runs
 * core's integrity monitor once for the org and shows where the log stands in one calm line;
 * any failure raises a blocking alert dialog that says what failed in words and offers the
 * evidence as a JSON download. Nothing here can call a failure "fine": closing the alarm
 * leaves the line red with a way back to it.
 */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import type { AuditEvent, CryptoBackend, LogModel, verifyPruneMarker } from '../core/index.js'
import type { AuditLogContextValue } from './context.js'
import type { CheckpointStorage } from '../core/proof/checkpoint-memory.js'
import { createIntegrityMonitor, type IntegrityMonitor } from '../core/proof/integrity-monitor.js'
import { defaultIntegrityMessages, type IntegrityMessages } from './integrity-messages.js'
import { IntegrityLineView } from './integrity-line.js'
import { VerifyAll } from './verify-all.js'

export interface IntegrityPanelProps {
  model: LogModel
  /** Unfiltered rows start at the newest event, so the newest loaded seq can be checked. */
  fromHead: boolean
  storage?: CheckpointStorage
  /**
   * What this chunk needs from the viewer's first download, handed over instead of imported:
   * a module both chunks import would be split into a chunk of its own, which the size
   * budget pays for (each chunk gzips apart).
   */
  shared: {
    resolveCrypto: (choice: 'auto') => Promise<CryptoBackend>
    canonicalBytes: (event: AuditEvent) => Uint8Array
    verifyPruneMarker: typeof verifyPruneMarker
  }
  /** The provider's value: client, pinned keys, the badges' verifier, messages, locale. */
  context: AuditLogContextValue
}

/** The integrity line and alarm for the provider's org. */
export default function IntegrityPanel(props: IntegrityPanelProps) {
  const { model, fromHead, storage, shared, context } = props
  const { client, locale, timeZone } = context
  // Mounted only once both are there (AuditLog waits for them).
  const keyRing = context.keyRing!
  const verifier = context.verifier!
  const m: IntegrityMessages = { ...defaultIntegrityMessages, ...context.messages.integrity }
  const [monitor, setMonitor] = useState<IntegrityMonitor | null>(null)
  const [backend, setBackend] = useState<CryptoBackend | null>(null)
  useEffect(() => {
    const controller = new AbortController()
    void shared.resolveCrypto('auto').then((backend) => {
      if (controller.signal.aborted) return
      const { canonicalBytes } = shared
      const verifiedHashes = async (events: readonly AuditEvent[]) => {
        verifier.request(events)
        await verifier.idle()
        return events.map((event) => {
          const result = verifier.get(event)
          return result?.status === 'verified' ? result.payloadHash : null
        })
      }
      const made = createIntegrityMonitor({
        client,
        keyRing,
        backend,
        canonicalBytes,
        verifiedHashes,
        ...(storage ? { storage } : {}),
      })
      setMonitor(made)
      setBackend(backend)
      const { events } = model.getSnapshot()
      made.check({ events, fromHead }, controller.signal).catch(() => {})
    })
    return () => controller.abort()
    // One check per org, keys and storage: a later page or filter does not re-run it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, keyRing, storage])
  const idle = useMemo(() => ({ subscribe: () => () => {}, getSnapshot: () => null }), [])
  const snapshot = useSyncExternalStore(
    (monitor ?? idle).subscribe,
    monitor ? monitor.getSnapshot : idle.getSnapshot,
    monitor ? monitor.getSnapshot : idle.getSnapshot,
  )
  return (
    <IntegrityLineView snapshot={snapshot} messages={m} locale={locale} timeZone={timeZone}>
      {snapshot?.status === 'complete' && snapshot.note && backend ? (
        <VerifyAll
          client={client}
          keyRing={keyRing}
          backend={backend}
          verifier={verifier}
          canonicalBytes={shared.canonicalBytes}
          verifyPruneMarker={shared.verifyPruneMarker}
          note={snapshot.note}
          pruned={snapshot.pruned ?? null}
          size={snapshot.size ?? 0}
          messages={m}
        />
      ) : null}
    </IntegrityLineView>
  )
}

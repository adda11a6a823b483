'use client'
/**
 * The org's prune marker, fetched through the client and verified against the pinned key ring
 * (core's verifyPruneMarker), for the log model's `pruneMarker` option. Until the keys are
 * pinned, or when the fetch fails, there is no marker, and a pruned head stays a gap: the
 * alarm is the safe default, never a label taken on the server's word.
 */
import { useEffect, useState } from 'react'
import { verifyPruneMarker, type AuditClient, type KeyRing, type PruneMarkerCheck } from '../core/index.js'

/** The verified check for `client`'s org under `keyRing`, or null while unknown. */
export function usePruneMarker(client: AuditClient, keyRing: KeyRing | null): PruneMarkerCheck | null {
  // Kept with the client and ring it was made for: a new org or new keys start from nothing.
  const [made, setMade] = useState<{ client: AuditClient; ring: KeyRing; check: PruneMarkerCheck } | null>(null)
  useEffect(() => {
    if (!keyRing) return
    const controller = new AbortController()
    client
      .getPruneMarker({ signal: controller.signal })
      .then((raw) => (raw === null ? null : verifyPruneMarker(raw, { trustedKeys: keyRing })))
      .then(
        (check) => {
          if (!controller.signal.aborted && check) setMade({ client, ring: keyRing, check })
        },
        () => {}, // no marker: the head of the log keeps its gap marker
      )
    return () => controller.abort()
  }, [client, keyRing])
  return made && made.client === client && made.ring === keyRing ? made.check : null
}

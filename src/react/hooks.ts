'use client'
/** React adapters over the core stores: useSyncExternalStore and nothing else. */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import type { VerificationResult, Verifier } from '../core/index.js'

interface Store<T> {
  subscribe(listener: () => void): () => void
  getSnapshot(): T
}

/** Subscribe to a core store. */
export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot)
}

/** The verification result of an event (undefined while it is being checked), requesting it. */
export function useVerification(verifier: Verifier | null, event: { id?: unknown; payload_hash?: unknown } | null) {
  const subscribe = useCallback((listener: () => void) => verifier?.subscribe(listener) ?? (() => {}), [verifier])
  const get = useCallback(() => (verifier && event ? verifier.get(event) : undefined), [verifier, event])
  const result: VerificationResult | undefined = useSyncExternalStore(subscribe, get, () => undefined)
  useEffect(() => {
    if (verifier && event && !result) verifier.request([event])
  }, [verifier, event, result])
  return result
}

/**
 * Radix-style controllable state: controlled when `value` is given (changes go to `onChange`),
 * uncontrolled from `defaultValue` otherwise.
 */
export function useControllableState<T>(value: T | undefined, defaultValue: T, onChange?: (next: T) => void) {
  const [own, setOwn] = useState(defaultValue)
  const controlled = value !== undefined
  const current = controlled ? value : own
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange
  const set = useCallback(
    (next: T) => {
      if (!controlled) setOwn(next)
      onChangeRef.current?.(next)
    },
    [controlled],
  )
  return [current, set] as const
}

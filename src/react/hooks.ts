'use client'
/** React adapters over the core stores: useSyncExternalStore with selectors, and nothing else. */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import type { VerificationResult, Verifier } from '../core/index.js'

/** A core store: the log model, an export job, anything with subscribe and getSnapshot. */
interface Store<S> {
  subscribe(listener: () => void): () => void
  getSnapshot(): S
}

const whole = <S>(snapshot: S) => snapshot

/**
 * Read `selector(snapshot)` from a core store, as zustand's `useStore(store, selector)` does:
 * the component re-renders only when its slice changes (by `isEqual`, `Object.is` by default),
 * not on every publish. Pass a selector that keeps its identity (a module constant or a
 * `useCallback`): a new one each render starts a fresh memo, as with
 * `useSyncExternalStoreWithSelector`. Without one, the whole snapshot is the slice.
 */
export function useStore<S, T = S>(
  store: Store<S>,
  selector: (snapshot: S) => T = whole as (snapshot: S) => T,
  isEqual: (a: T, b: T) => boolean = Object.is,
): T {
  const getSelection = useMemo(() => {
    let memo: { snapshot: S; selection: T } | null = null
    return () => {
      const snapshot = store.getSnapshot()
      if (memo?.snapshot === snapshot) return memo.selection
      const next = selector(snapshot)
      const selection = memo && isEqual(memo.selection, next) ? memo.selection : next
      memo = { snapshot, selection }
      return selection
    }
  }, [store, selector, isEqual])
  return useSyncExternalStore(store.subscribe, getSelection, getSelection)
}

/** Equal when both have the same keys with `Object.is`-equal values (for object-shaped slices). */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((key) => Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
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

'use client'
/**
 * The React side of the log model, as zustand's `useStore(store, selector)` and TanStack's
 * react-virtual do it: `useSyncExternalStore` over the model, reading one slice through a
 * selector, so a component re-renders only when its slice changes (by `isEqual`, `Object.is`
 * by default) and not on every publish.
 */
import { useMemo, useSyncExternalStore } from 'react'
import type { LogModel, LogModelSnapshot } from '../core/index.js'

/**
 * Read `selector(snapshot)` from `model`. Pass a selector that keeps its identity (a module
 * constant or a `useCallback`): a new one each render starts a fresh memo, as with
 * `useSyncExternalStoreWithSelector`.
 */
export function useLogModel<T>(
  model: LogModel,
  selector: (snapshot: LogModelSnapshot) => T,
  isEqual: (a: T, b: T) => boolean = Object.is,
): T {
  const getSelection = useMemo(() => {
    let memo: { snapshot: LogModelSnapshot; selection: T } | null = null
    return () => {
      const snapshot = model.getSnapshot()
      if (memo?.snapshot === snapshot) return memo.selection
      const next = selector(snapshot)
      const selection = memo && isEqual(memo.selection, next) ? memo.selection : next
      memo = { snapshot, selection }
      return selection
    }
  }, [model, selector, isEqual])
  return useSyncExternalStore(model.subscribe, getSelection, getSelection)
}

/** Equal when both have the same keys with `Object.is`-equal values (for object-shaped slices). */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((key) => Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
}

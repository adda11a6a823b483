'use client'
/**
 * Windowing for rows of one fixed height, by arithmetic: the rows in view are
 * `floor(offset / rowHeight)` on, so nothing is measured and nothing is held per row.
 *
 * Written by hand rather than with TanStack Virtual (STYLE.md asks why): TanStack Virtual builds
 * a measurement object per row (start, size, end, key) and rebuilds the list whenever `count`
 * changes, which a paged log does on every page: walking 1,000,000 rows cost O(rows) per page
 * (quadratic in all, 384 s) and tens of MB of heap. Its spacer is also the rows' real height,
 * which Chromium cannot lay out past 2^25 px (about 645,000 rows of 52 px); a scaled scroll
 * space (`scroll-space.ts`) is not something it offers. Fixed heights need neither its
 * measuring nor its cache, so this hook is short.
 */
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react'
import { placed, scrolled, scrollSpace, offsetShowing, type ScrollPosition } from './scroll-space.js'

/** The viewport height until the element is measured (jsdom, server render): TanStack's `initialRect`. */
const INITIAL_VIEWPORT = 600
/** How long after the last scroll event the list stops "scrolling" (TanStack Virtual's default). */
const SCROLL_IDLE_MS = 150

/** What is drawn: rows `start` to `end` (inclusive; `end < start` for none), each at `top(index)`. */
export interface FixedRows {
  start: number
  end: number
  /** Whether the element scrolled within the last 150 ms. */
  isScrolling: boolean
  /** The spacer's height (capped: `MAX_SCROLL_PX`). */
  height: number
  /** The scroll element's height (px), as last measured. */
  viewport: number
  /** Where row `index` stands in the spacer (px), for its `translateY`. */
  top(index: number): number
  /** The element's scroll handler. */
  onScroll(): void
  /** Bring row `index` into view, moving as little as possible (`align: 'auto'`). */
  scrollToIndex(index: number): void
  /** The logical offset (px into the rows' real height) of the top of the view. */
  offset(): number
  /** Scroll to a logical offset. */
  scrollToOffset(offset: number): void
}

interface View {
  start: number
  end: number
  /** `scrollTop` less the offset: added to a row's real top to place it in the spacer. */
  shift: number
  isScrolling: boolean
}

const sameView = (a: View, b: View) =>
  a.start === b.start && a.end === b.end && a.shift === b.shift && a.isScrolling === b.isScrolling

/** Rows of `rowHeight` px, `count` of them, in the scroll element `scrollRef`, `overscan` more each side. */
export function useFixedRows(options: {
  count: number
  rowHeight: number
  overscan: number
  scrollRef: RefObject<HTMLDivElement | null>
}): FixedRows {
  const { count, rowHeight, overscan, scrollRef } = options
  const [viewport, setViewport] = useState(INITIAL_VIEWPORT)
  const space = useMemo(() => scrollSpace(count * rowHeight, viewport), [count, rowHeight, viewport])
  const position = useRef<ScrollPosition>({ offset: 0, top: 0 })
  const scrolling = useRef(false)
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const [view, setView] = useState<View>(() => ({
    start: 0,
    end: Math.min(count - 1, Math.ceil(INITIAL_VIEWPORT / rowHeight) - 1 + overscan),
    shift: 0,
    isScrolling: false,
  }))
  // What the handlers read: the values of the last commit.
  const current = useRef({ space, count, rowHeight, overscan, viewport })

  const update = useCallback(() => {
    const { count, rowHeight, overscan, viewport } = current.current
    const { offset, top } = position.current
    const next: View = {
      start: Math.max(0, Math.floor(offset / rowHeight) - overscan),
      end: Math.min(count - 1, Math.ceil((offset + viewport) / rowHeight) - 1 + overscan),
      shift: top - offset,
      isScrolling: scrolling.current,
    }
    setView((shown) => (sameView(shown, next) ? shown : next))
  }, [])

  /** Move to `next`, setting the element's `scrollTop` when it is not there yet. */
  const moveTo = useCallback(
    (next: ScrollPosition) => {
      position.current = next
      const element = scrollRef.current
      if (element && Math.abs(element.scrollTop - next.top) >= 1) element.scrollTop = next.top
      update()
    },
    [scrollRef, update],
  )

  const onScroll = useCallback(() => {
    const element = scrollRef.current
    if (!element) return
    const { space, viewport } = current.current
    scrolling.current = true
    clearTimeout(idle.current)
    idle.current = setTimeout(() => {
      scrolling.current = false
      update()
    }, SCROLL_IDLE_MS)
    moveTo(scrolled(space, position.current, element.scrollTop, viewport))
  }, [scrollRef, moveTo, update])

  useLayoutEffect(() => {
    const element = scrollRef.current
    if (!element) return
    const measure = () => setViewport(element.clientHeight || INITIAL_VIEWPORT)
    measure()
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure)
    observer?.observe(element)
    return () => {
      observer?.disconnect()
      clearTimeout(idle.current)
    }
  }, [scrollRef])

  // A new count, viewport or row height: keep the reader's row, and the element where the new
  // mapping puts it. A scroll the element made since its last event is taken first (its event
  // comes at the next frame), so a page landing never throws the reader back.
  useLayoutEffect(() => {
    const before = current.current
    const element = scrollRef.current
    if (element) position.current = scrolled(before.space, position.current, element.scrollTop, before.viewport)
    current.current = { space, count, rowHeight, overscan, viewport }
    const offset = (position.current.offset / before.rowHeight) * rowHeight
    moveTo(placed(space, offset))
  }, [space, count, rowHeight, overscan, viewport, scrollRef, moveTo])

  const scrollToIndex = useCallback(
    (index: number) => {
      const { space, rowHeight, viewport } = current.current
      const offset = offsetShowing(position.current.offset, index * rowHeight, (index + 1) * rowHeight, viewport)
      moveTo(placed(space, offset))
    },
    [moveTo],
  )
  const scrollToOffset = useCallback((offset: number) => moveTo(placed(current.current.space, offset)), [moveTo])
  const offset = useCallback(() => position.current.offset, [])

  return {
    start: view.start,
    end: Math.min(view.end, count - 1),
    isScrolling: view.isScrolling,
    height: space.height,
    viewport,
    top: (index) => index * rowHeight + view.shift,
    onScroll,
    scrollToIndex,
    offset,
    scrollToOffset,
  }
}

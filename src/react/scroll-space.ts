/**
 * A scroll space for a list taller than a browser can lay out. Chromium lays out at most
 * 2^25 px (33,554,432) and Firefox about 17.9 million, so 1,000,000 rows of 52 px (52 million
 * px) cannot have a spacer of their real height: the scroll element's spacer is capped at
 * `MAX_SCROLL_PX`, and the list keeps a logical offset (px into the rows' real height) beside
 * the element's `scrollTop`.
 *
 * The mapping between them (`scrollTopOf` / `offsetOf`) is 1:1 within `EDGE_PX` of either end,
 * so the browser's own clamps at the top and the bottom are the list's (`scrollTop` 0 is
 * exactly the head, the bottom exactly the last row), and proportional between, so a scrollbar
 * drag reaches every row. Small scrolls (wheel, arrows, a few rows) move the offset by their
 * own pixels, not by the scale factor; the element is re-anchored to the mapping when the two
 * drift apart by more than a screen, or at once near the ends. The technique is the one
 * SlickGrid and ag-Grid ("stretching") use for row counts past the browser's limit; all pure
 * functions here, so they are tested without a browser.
 */

/** The spacer's height at most: 2^24 px, below Firefox's ~17.9M px and half Chromium's 2^25. */
export const MAX_SCROLL_PX = 2 ** 24
/** Near each end, this many px of scrolling map 1:1 (about 20,000 rows of 52 px). */
export const EDGE_PX = 2 ** 20

/** The rows' real height, the element's and where they meet. */
export interface ScrollSpace {
  /** The spacer's height, at most the cap. */
  readonly height: number
  /** The highest logical offset: the rows' height less the viewport. */
  readonly maxOffset: number
  /** The highest `scrollTop`: the spacer's height less the viewport. */
  readonly maxScroll: number
  /** Px mapped 1:1 at each end. */
  readonly edge: number
}

/** Where the list stands: `offset` px into the rows' real height, with the element at `top`. */
export interface ScrollPosition {
  readonly offset: number
  readonly top: number
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value))

/** The scroll space of rows `total` px tall in a viewport `viewport` px tall. */
export function scrollSpace(total: number, viewport: number, cap = MAX_SCROLL_PX): ScrollSpace {
  const height = Math.min(total, cap)
  const maxScroll = Math.max(0, height - viewport)
  return { height, maxOffset: Math.max(0, total - viewport), maxScroll, edge: Math.min(EDGE_PX, maxScroll / 4) }
}

/** Whether the rows are taller than the spacer (otherwise offset and `scrollTop` are one). */
export const isScaled = (space: ScrollSpace) => space.maxOffset > space.maxScroll

/** The `scrollTop` for a logical offset: 1:1 near the ends, proportional between. */
export function scrollTopOf(space: ScrollSpace, offset: number): number {
  const { maxOffset, maxScroll, edge } = space
  const at = clamp(offset, 0, maxOffset)
  if (!isScaled(space) || at <= edge) return at
  if (maxOffset - at <= edge) return maxScroll - (maxOffset - at)
  return Math.round(edge + ((at - edge) * (maxScroll - 2 * edge)) / (maxOffset - 2 * edge))
}

/** The logical offset for a `scrollTop`: the inverse of `scrollTopOf`. */
export function offsetOf(space: ScrollSpace, top: number): number {
  const { maxOffset, maxScroll, edge } = space
  const at = clamp(top, 0, maxScroll)
  if (!isScaled(space)) return clamp(top, 0, maxOffset)
  if (at <= edge) return at
  if (maxScroll - at <= edge) return maxOffset - (maxScroll - at)
  return Math.round(edge + ((at - edge) * (maxOffset - 2 * edge)) / (maxScroll - 2 * edge))
}

/**
 * Where the list stands after the element scrolled from `from.top` to `top`. A move of at most
 * two viewports is a small scroll: the offset moves by the same px. A larger one is a jump
 * (scrollbar drag, `scrollTop` set by a script): the offset is the mapping's. The returned `top`
 * is where the element should be; it differs from `top` when the element must be re-anchored.
 */
export function scrolled(space: ScrollSpace, from: ScrollPosition, top: number, viewport: number): ScrollPosition {
  if (!isScaled(space)) return { offset: clamp(top, 0, space.maxOffset), top }
  const delta = top - from.top
  if (Math.abs(delta) > 2 * viewport) return { offset: offsetOf(space, top), top }
  const offset = clamp(from.offset + delta, 0, space.maxOffset)
  const anchor = scrollTopOf(space, offset)
  const drift = Math.abs(top - anchor)
  // Near an end the element must match the mapping exactly, or the browser's clamp there
  // would stop the list short of its first or last row.
  const nearEnd = anchor <= space.edge || anchor >= space.maxScroll - space.edge
  return drift >= 1 && (drift > viewport || nearEnd) ? { offset, top: anchor } : { offset, top }
}

/** The position at `offset` (clamped), with the element where the mapping puts it. */
export function placed(space: ScrollSpace, offset: number): ScrollPosition {
  const at = clamp(offset, 0, space.maxOffset)
  return { offset: at, top: scrollTopOf(space, at) }
}

/** The offset that shows the row from `start` to `end` px (`align: 'auto'`): unchanged if it is in view. */
export function offsetShowing(offset: number, start: number, end: number, viewport: number): number {
  if (start < offset) return start
  if (end > offset + viewport) return end - viewport
  return offset
}

/**
 * The scaled scroll space's mapping, as pure functions: 2,000,000 rows of 52 px (104,000,000 px)
 * in a spacer capped at 2^24 px, with an 800 px viewport.
 */
import { describe, expect, it } from 'vitest'
import {
  EDGE_PX,
  isScaled,
  MAX_SCROLL_PX,
  offsetOf,
  offsetShowing,
  placed,
  scrolled,
  scrollSpace,
  scrollTopOf,
} from '../../src/react/scroll-space.js'

const ROW = 52
const VIEW = 800
const space = scrollSpace(2_000_000 * ROW, VIEW)

describe('the scroll space', () => {
  it('caps the spacer at 2^24 px and is one with the rows below the cap', () => {
    expect(space.height).toBe(MAX_SCROLL_PX)
    expect(isScaled(space)).toBe(true)
    const small = scrollSpace(100_000 * ROW, VIEW)
    expect(small.height).toBe(100_000 * ROW)
    expect(isScaled(small)).toBe(false)
    expect(scrollTopOf(small, 1_234_567)).toBe(1_234_567)
    expect(scrolled(small, { offset: 0, top: 0 }, 5_000_000, VIEW)).toEqual({ offset: 5_000_000, top: 5_000_000 })
  })

  it('maps both ends exactly: scrollTop 0 is the first row, the bottom the last', () => {
    expect(offsetOf(space, 0)).toBe(0)
    expect(scrollTopOf(space, 0)).toBe(0)
    expect(offsetOf(space, space.maxScroll)).toBe(2_000_000 * ROW - VIEW)
    expect(scrollTopOf(space, space.maxOffset)).toBe(MAX_SCROLL_PX - VIEW)
    // The last row ends exactly at the bottom of the view.
    expect(Math.floor((offsetOf(space, space.maxScroll) + VIEW - 1) / ROW)).toBe(1_999_999)
  })

  it('maps 1:1 within EDGE_PX of each end and proportionally between, both ways and monotonic', () => {
    expect(scrollTopOf(space, EDGE_PX - 10)).toBe(EDGE_PX - 10)
    expect(scrollTopOf(space, space.maxOffset - 1000)).toBe(space.maxScroll - 1000)
    const middle = space.maxOffset / 2
    expect(scrollTopOf(space, middle)).toBeCloseTo(space.maxScroll / 2, -1)
    let last = -1
    for (let top = 0; top <= space.maxScroll; top += 99_991) {
      const offset = offsetOf(space, top)
      expect(offset).toBeGreaterThan(last)
      last = offset
      expect(Math.abs(scrollTopOf(space, offset) - top)).toBeLessThanOrEqual(1)
    }
  })

  it('moves the rows by a small scroll’s own px in the middle, not by the scale factor', () => {
    const from = placed(space, 50_000_000)
    const down = scrolled(space, from, from.top + 120, VIEW)
    expect(down.offset).toBe(from.offset + 120)
    const up = scrolled(space, down, down.top - 52, VIEW)
    expect(up.offset).toBe(from.offset + 68)
  })

  it('re-anchors the element once small scrolls drift more than a screen from the mapping', () => {
    let at = placed(space, 50_000_000)
    let anchored = 0
    for (let step = 0; step < 40; step++) {
      const next = scrolled(space, at, at.top + 100, VIEW)
      if (next.top !== at.top + 100) anchored++
      expect(Math.abs(next.top - scrollTopOf(space, next.offset))).toBeLessThanOrEqual(VIEW)
      at = next
    }
    expect(at.offset).toBe(50_000_000 + 4000)
    expect(anchored).toBeGreaterThan(0)
  })

  it('reaches the first row exactly by small scrolls from deep down (wheel up through the edge)', () => {
    let at = placed(space, EDGE_PX + 5000)
    for (let step = 0; step < 20_000 && at.offset > 0; step++) {
      at = scrolled(space, at, Math.max(0, at.top - 100), VIEW)
    }
    expect(at).toEqual({ offset: 0, top: 0 })
  })

  it('reaches the last row exactly by small scrolls (wheel down through the edge)', () => {
    let at = placed(space, space.maxOffset - EDGE_PX - 5000)
    for (let step = 0; step < 20_000 && at.offset < space.maxOffset; step++) {
      at = scrolled(space, at, Math.min(space.maxScroll, at.top + 100), VIEW)
    }
    expect(at).toEqual({ offset: space.maxOffset, top: space.maxScroll })
  })

  it('maps a jump (more than two screens: a scrollbar drag) proportionally', () => {
    const at = scrolled(space, { offset: 0, top: 0 }, space.maxScroll / 2, VIEW)
    expect(at.top).toBe(space.maxScroll / 2)
    expect(at.offset).toBe(offsetOf(space, space.maxScroll / 2))
    expect(scrolled(space, at, space.maxScroll, VIEW)).toEqual({ offset: space.maxOffset, top: space.maxScroll })
  })

  it('brings a row into view by the least movement', () => {
    expect(offsetShowing(1000, 900 * ROW, 901 * ROW, VIEW)).toBe(901 * ROW - VIEW)
    expect(offsetShowing(900 * ROW, 10 * ROW, 11 * ROW, VIEW)).toBe(10 * ROW)
    expect(offsetShowing(1000, 1040, 1092, VIEW)).toBe(1000)
  })
})

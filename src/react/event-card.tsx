'use client'
/**
 * Events as cards on a narrow log: whether the log is narrow, and a card's cells. A card is
 * the table's row with the same gridcells, so the grid keeps its roles, row indices and
 * keyboard model (WAI-ARIA APG grid pattern); styles.css (`@container al-log`) places each
 * cell by its `data-column`. Host columns each get a line with their header as a visible
 * label, hidden from screen readers, which hear the header row's column header instead.
 */
import { memo, useLayoutEffect, useState, type RefObject } from 'react'
import { BUILT_IN_COLUMN_IDS, CARD_BREAKPOINT, type AuditLogColumn } from './event-columns.js'
import type { EventRow } from './event-grid.js'
import { FlexRender } from './vendor/table.js'

/**
 * Whether `ref`'s element (the log's root, the same box `@container al-log` measures) is
 * narrower than CARD_BREAKPOINT. A ResizeObserver reports its content box; the answer changes
 * only when the width crosses the breakpoint, so resizing within one layout renders nothing.
 * `false` (the table) on the server and where ResizeObserver is missing.
 */
export function useCardLayout(ref: RefObject<HTMLElement | null>): boolean {
  const [cards, setCards] = useState(false)
  useLayoutEffect(() => {
    const element = ref.current
    if (!element || typeof ResizeObserver === 'undefined') return
    // Before the first paint, so a narrow log never draws one frame of cards at table height.
    // clientWidth is rounded; the observer's exact width follows within the frame.
    setCards(element.clientWidth < CARD_BREAKPOINT)
    const observer = new ResizeObserver(([entry]) => {
      const width = entry?.contentBoxSize[0]?.inlineSize ?? entry?.contentRect.width
      if (width !== undefined) setCards(width < CARD_BREAKPOINT)
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref])
  return cards
}

/**
 * A card's cells, re-rendered only when the row, the columns or their visibility change (as
 * the table's `RowCells`, see event-grid.tsx).
 */
export const CardCells = memo(function CardCells(props: {
  row: EventRow
  columns: readonly AuditLogColumn[]
  /** Not read: a change of visible columns must render the cells again. */
  visible: string
}) {
  return props.row.getVisibleCells().map((cell) => {
    const id = cell.column.id
    const builtIn = BUILT_IN_COLUMN_IDS.includes(id)
    return (
      <div className="al-cell" role="gridcell" data-column={builtIn ? id : 'extra'} key={cell.id}>
        {builtIn ? null : (
          <span className="al-cell__label" aria-hidden="true">
            {props.columns.find((column) => column.id === id)?.header}
          </span>
        )}
        <FlexRender cell={cell} />
      </div>
    )
  })
})

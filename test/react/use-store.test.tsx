/** useStore re-renders a component only when its slice of a core store (here the log model) changes. */
import { act, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { LogModel, LogModelSnapshot } from '../../src/core/index.js'
import { shallowEqual, useStore } from '../../src/react/hooks.js'

/** Just enough of a model: a snapshot the test replaces and publishes (rows only need a length). */
function fakeModel(initial: object) {
  const listeners = new Set<() => void>()
  let snapshot = initial as LogModelSnapshot
  const model = {
    subscribe: (listener: () => void) => (listeners.add(listener), () => listeners.delete(listener)),
    getSnapshot: () => snapshot,
  } as unknown as LogModel
  const publish = (next: object) =>
    act(() => {
      snapshot = { ...snapshot, ...next }
      listeners.forEach((listener) => listener())
    })
  return { model, publish }
}

const selectUnseen = (snapshot: LogModelSnapshot) => snapshot.liveTail.unseen
const selectCounts = (snapshot: LogModelSnapshot) => ({ rows: snapshot.rows.length, unseen: snapshot.liveTail.unseen })

describe('useStore', () => {
  it('given a publish that leaves the slice alone, does not render again; after one that changes it, does', () => {
    const { model, publish } = fakeModel({ rows: [], liveTail: { on: true, failure: null, unseen: 0 } })
    let renders = 0
    function Pill() {
      renders++
      return <output>{useStore(model, selectUnseen)}</output>
    }
    render(<Pill />)
    expect(renders).toBe(1)
    publish({ rows: [{ kind: 'loader' }] })
    expect(renders).toBe(1)
    publish({ liveTail: { on: true, failure: null, unseen: 3 } })
    expect(renders).toBe(2)
    expect(screen.getByRole('status')).toHaveTextContent('3')
  })

  it('keeps an equal object slice (by isEqual) so a new snapshot with the same counts renders nothing', () => {
    const { model, publish } = fakeModel({ rows: [], liveTail: { on: false, failure: null, unseen: 0 } })
    let renders = 0
    function Counts() {
      renders++
      const counts = useStore(model, selectCounts, shallowEqual)
      return <output>{`${counts.rows}/${counts.unseen}`}</output>
    }
    render(<Counts />)
    publish({ rows: [] })
    publish({ liveTail: { on: true, failure: null, unseen: 0 } })
    expect(renders).toBe(1)
    publish({ rows: [{ kind: 'loader' }] })
    expect(renders).toBe(2)
    expect(screen.getByRole('status')).toHaveTextContent('1/0')
  })
})

import { describe, expect, it } from 'vitest'
import { mapInOrder } from '../../src/core/verify/in-order.js'

/** A step whose promises the test settles by hand, recording what is in flight. */
function manualSteps<T>() {
  const started: T[] = []
  const resolvers = new Map<T, (value: string) => void>()
  const step = (item: T) =>
    new Promise<string>((resolve) => {
      started.push(item)
      resolvers.set(item, resolve)
    })
  const finish = (item: T) => resolvers.get(item)!(`done ${String(item)}`)
  return { started, step, finish }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('mapInOrder', () => {
  it('yields results in input order even when later steps finish first', async () => {
    const delays = [30, 1, 15, 0, 5]
    const out: number[] = []
    const step = (ms: number, i: number) => new Promise<number>((resolve) => setTimeout(() => resolve(i), ms))
    for await (const value of mapInOrder(delays, step, { concurrency: 3 })) out.push(value)
    expect(out).toEqual([0, 1, 2, 3, 4])
  })

  it('keeps at most `concurrency` steps in flight, and reads no input beyond them', async () => {
    const { started, step, finish } = manualSteps<number>()
    let read = 0
    function* source() {
      for (let i = 0; i < 10; i++) {
        read = i + 1
        yield i
      }
    }
    const results = mapInOrder(source(), step, { concurrency: 2 })
    const first = results.next()
    await tick()
    expect(started).toEqual([0, 1])
    expect(read).toBe(3) // the third item waits for room instead of starting
    finish(1)
    await tick()
    expect(started).toEqual([0, 1]) // 1 is done, but 0 still holds the head of the window
    finish(0)
    expect((await first).value).toBe('done 0')
  })

  it('bounds the weight in flight, letting one heavy item through alone', async () => {
    const { started, step, finish } = manualSteps<number>()
    const results = mapInOrder([4, 3, 9, 1], step, { concurrency: 10, weigh: (n) => n, maxWeight: 8 })
    const first = results.next()
    await tick()
    expect(started).toEqual([4, 3]) // 4 + 3 fit; 9 more would not
    finish(4)
    finish(3)
    expect((await first).value).toBe('done 4')
    expect((await results.next()).value).toBe('done 3')
    const third = results.next()
    await tick()
    expect(started).toEqual([4, 3, 9]) // over the bound by itself, so it runs alone
    finish(9)
    expect((await third).value).toBe('done 9')
    void results.next() // pulling again lets the last item in
    await tick()
    expect(started).toEqual([4, 3, 9, 1])
  })

  it('rejects at the failed step’s turn, after the results before it', async () => {
    const step = async (n: number) => {
      if (n === 2) throw new Error('step 2 failed')
      await tick()
      return n
    }
    const out: number[] = []
    await expect(async () => {
      for await (const value of mapInOrder([0, 1, 2, 3], step, { concurrency: 4 })) out.push(value)
    }).rejects.toThrow('step 2 failed')
    expect(out).toEqual([0, 1])
  })

  it('stops starting steps once the signal is aborted', async () => {
    const controller = new AbortController()
    const seen: number[] = []
    const step = async (n: number) => {
      seen.push(n)
      if (n === 1) controller.abort(new Error('stopped'))
      return n
    }
    await expect(async () => {
      for await (const _ of mapInOrder([0, 1, 2, 3], step, { concurrency: 1, signal: controller.signal })) void _
    }).rejects.toThrow('stopped')
    expect(seen).toEqual([0, 1])
  })
})

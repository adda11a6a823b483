/**
 * CPU seconds used so far by this process and everything it started (the demo server runs in
 * this process; Chromium and its renderer, GPU and worker processes are its children), from
 * /proc (Linux only; `null` elsewhere). A figure the other work on a shared machine does not
 * inflate the way it inflates wall time: on 2 cores, CPU per event is what bounds a walk.
 */
import { readdirSync, readFileSync } from 'node:fs'

const TICKS_PER_SECOND = 100 // USER_HZ; Linux reports utime and stime in these (proc(5))

export function treeCpuSeconds(root = process.pid): number | null {
  let entries: string[]
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return null
  }
  const parent = new Map<number, number>()
  const ticks = new Map<number, number>()
  for (const pid of entries) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      continue // exited meanwhile
    }
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    parent.set(Number(pid), Number(fields[1])) // field 4, ppid
    ticks.set(Number(pid), Number(fields[11]) + Number(fields[12])) // fields 14 and 15, utime + stime
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parent.get(at)) if (at === root) return true
    return false
  }
  let total = 0
  for (const [pid, used] of ticks) if (inTree(pid)) total += used
  return total / TICKS_PER_SECOND
}

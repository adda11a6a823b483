/**
 * CPU seconds used so far by this process and everything it started (the demo server runs in
 * this process; Chromium and its renderer, GPU and worker processes are its children), from
 * /proc (Linux only; `null` elsewhere). A figure the other work on a shared machine does not
 * inflate the way it inflates wall time: on 2 cores, CPU per event is what bounds a walk.
 */
import { readdirSync, readFileSync } from 'node:fs'

const TICKS_PER_SECOND = 100 // USER_HZ; Linux reports utime and stime in these (proc(5))

/** CPU seconds of the tree, and by part: this process (the demo's ledger and proxy), and Chromium's processes by `--type`. */
export function treeCpuSeconds(root = process.pid): { total: number; parts: Record<string, number> } | null {
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
  const parts: Record<string, number> = {}
  for (const [pid, used] of ticks) {
    if (!inTree(pid)) continue
    total += used
    const part = pid === root ? 'server' : (typeOf(pid) ?? 'other')
    parts[part] = (parts[part] ?? 0) + used / TICKS_PER_SECOND
  }
  return { total: total / TICKS_PER_SECOND, parts }
}

/**
 * Chromium's process type (`renderer`, `gpu-process`, `utility`; `browser` for the browser
 * process). Chromium rewrites its children's command lines into one space-separated string.
 */
function typeOf(pid: number): string | null {
  try {
    const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return /--type=([\w-]+)/.exec(line)?.[1] ?? (line.includes('chrom') ? 'browser' : null)
  } catch {
    return null
  }
}

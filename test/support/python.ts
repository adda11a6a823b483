/**
 * Real CPython for the tests that check auditlens against Invoance's Python verifier.
 *
 * python3 is looked up on PATH (or at AUDITLENS_PYTHON) and nothing is installed: CI's image is
 * not guaranteed to carry it. When it is absent, the tests that need it are skipped with a
 * warning that says what was not checked, unless AUDITLENS_REQUIRE_PYTHON is set, which makes
 * its absence a failure (as AUDITLENS_REQUIRE_BROWSER does for Chromium).
 */
import { spawnSync } from 'node:child_process'

const PYTHON = process.env.AUDITLENS_PYTHON ?? 'python3'
const probe = spawnSync(PYTHON, ['-c', 'import sys; print(sys.version_info[0])'], { encoding: 'utf8' })
export const havePython = probe.status === 0 && probe.stdout.trim() === '3'
if (!havePython) {
  const message = `${PYTHON} (Python 3) not found (set AUDITLENS_PYTHON): the checks against Python's json are skipped.`
  if (process.env.AUDITLENS_REQUIRE_PYTHON) throw new Error(message)
  console.warn(`\n[python] ${message}\n`)
}

/** Run a Python program over stdin lines; its stdout lines, one per input line. */
export function python(program: string, lines: readonly string[]): string[] {
  const run = spawnSync(PYTHON, ['-c', program], {
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // The interpreter's default; pinned so a PYTHONINTMAXSTRDIGITS in the environment cannot
    // move the 4300-digit bound the ledger enforces.
    env: { ...process.env, PYTHONINTMAXSTRDIGITS: '4300', PYTHONIOENCODING: 'utf-8' },
  })
  if (run.status !== 0) throw new Error(`python failed: ${run.stderr}`)
  const out = run.stdout.split('\n')
  out.pop()
  return out
}

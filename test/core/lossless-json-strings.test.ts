/**
 * Strings from parseAuditJson own their characters: a value held after parsing must not keep
 * the page it came from alive (V8 returns long `slice()`s as views into the source text), and
 * a value a page repeats is one string. V8's own answer is asked in a child process with
 * `--allow-natives-syntax` (%DebugPrint names the string's representation, %IsSameHeapObject
 * tells one string from an equal copy); nothing here measures memory.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const parser = fileURLToPath(new URL('../../src/core/json/lossless-json.ts', import.meta.url))

/** Runs `body` (natives syntax allowed; statements end with `;`) after parsing `text` into `parsed`. */
function inV8(text: string, body: string): string {
  const script = `
    import { parseAuditJson } from ${JSON.stringify(parser)};
    const parsed = parseAuditJson(${JSON.stringify(text)});
    const flat = (s) => { %DebugPrint(s); };
    const same = (a, b) => console.log(%IsSameHeapObject(a, b) ? 'same' : 'copies');
    ${body}
  `
  return execFileSync(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
    },
  )
}
const representations = (output: string) => [...output.matchAll(/ - type: (\w+)/g)].map((m) => m[1])

const page = JSON.stringify({
  events: [
    { id: 'aevt_0123456789abcdef', org_id: 'aorg_shared_by_both', note: 'caf\u00e9 \u2014 long enough to slice' },
    { id: 'aevt_fedcba9876543210', org_id: 'aorg_shared_by_both', note: 'with "an escape" and long' },
  ],
})

describe('strings parsed by parseAuditJson', () => {
  it('are flat strings of their own, not views that keep the parsed text alive', () => {
    const output = inV8(page, 'for (const e of parsed.events) { flat(e.id); flat(e.org_id); flat(e.note); }')
    const kinds = representations(output)
    expect(kinds).toHaveLength(6)
    for (const kind of kinds) expect(kind).toMatch(/^(ONE_BYTE_)?STRING_TYPE$/)
  })

  it('share one string for a value that the text repeats', () => {
    const output = inV8(page, 'same(parsed.events[0].org_id, parsed.events[1].org_id);')
    expect(output.trim()).toBe('same')
  })
})

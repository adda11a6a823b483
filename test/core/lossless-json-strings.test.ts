/**
 * Strings from parseAuditJson own their characters: a value held after parsing must not keep
 * the page it came from alive (V8 returns long `slice()`s as views into the source text), and
 * a value a page repeats is one string. V8's own answer is asked in a child process with
 * `--allow-natives-syntax` (%HaveSameMap against strings known to be flat tells a flat string
 * from a view, %IsSameHeapObject one string from an equal copy); nothing here measures memory.
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
    // Flat one-byte and two-byte strings, and a view (sliced string), to compare maps with.
    const flats = [JSON.parse('"' + 'a'.repeat(20) + '"'), JSON.parse('"\\u2014' + 'a'.repeat(20) + '"')];
    const kind = (s) => (flats.some((f) => %HaveSameMap(s, f)) ? 'flat' : 'view');
    const flat = (s) => console.log(kind(s));
    const view = 'b'.repeat(100).slice(1, 50);
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

const page = JSON.stringify({
  events: [
    { id: 'aevt_0123456789abcdef', org_id: 'aorg_shared_by_both', note: 'caf\u00e9 \u2014 long enough to slice' },
    { id: 'aevt_fedcba9876543210', org_id: 'aorg_shared_by_both', note: 'with "an escape" and long' },
  ],
})

describe('strings parsed by parseAuditJson', () => {
  it('are flat strings of their own, not views that keep the parsed text alive', () => {
    const output = inV8(page, 'for (const e of parsed.events) { flat(e.id); flat(e.org_id); flat(e.note); }')
    expect(output.trim().split('\n')).toEqual(Array(6).fill('flat'))
  })

  it('are told from views by this test (a slice of 49 characters is one)', () => {
    expect(inV8('{}', 'flat(view); flat(JSON.parse(JSON.stringify(view)));').trim()).toBe('view\nflat')
  })

  it('share one string for a value that the text repeats', () => {
    const output = inV8(page, 'same(parsed.events[0].org_id, parsed.events[1].org_id);')
    expect(output.trim()).toBe('same')
  })
})

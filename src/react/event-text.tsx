'use client'
/**
 * Event text as inert display text. Audit events carry strings an attacker may choose (an
 * actor id, a file name, a user agent), and Unicode's bidirectional controls are applied by
 * the browser, not shown: an override in an actor id reverses the IP address next to it, and
 * `invoice\u202Efdp.exe` reads as "invoiceexe.pdf" (CVE-2021-42574 "Trojan Source"; Unicode
 * UAX #9; OWASP's guidance to encode output for its context). So every event string is drawn
 * isolated from its neighbours (`<bdi>`, UAX #9 isolates) and each such character is drawn
 * as a visible marker instead of being applied. Copy and export keep the exact original text:
 * the markers are display only.
 */
import type { ReactNode } from 'react'
import { stringifyAuditJson } from '../core/index.js'

/**
 * Marked: the bidi embeddings, overrides, isolates and marks (U+202A-202E, U+2066-2069,
 * U+200E, U+200F, U+061C); C0 and C1 controls but tab, line feed and carriage return (they
 * only lay out white space); U+200B zero width space, U+2060 word joiner and U+FEFF (invisible,
 * they make look-alike ids: `admin\u200B`); U+2028/U+2029 line and paragraph separators; and
 * the tag characters U+E0000-E007F (invisible text, "ASCII smuggling"). Not marked: U+200C and
 * U+200D (zero width non-joiner and joiner), which Persian, Indic scripts and emoji sequences
 * need to render correctly, and which reorder nothing.
 */
const HIDDEN =
  // eslint-disable-next-line no-control-regex -- matching C0/C1 controls is this pattern's purpose (see above)
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u2028-\u202E\u2060\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}]/gu

const codeOf = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
const markerOf = (char: string) => `⟨${codeOf(char)}⟩`

/** Whether `text` holds a character that would be applied rather than shown. */
export function hasHiddenCharacters(text: string): boolean {
  // A fresh search from the start: test() on a /g pattern leaves lastIndex behind, and
  // matchAll starts from the pattern's lastIndex.
  return text.search(HIDDEN) !== -1
}

/** `text` with each hidden character spelled out as "⟨U+202E⟩": for attributes (title, aria-label). */
export function displayString(text: string): string {
  return text.replace(HIDDEN, markerOf)
}

/** `text` as React children, each hidden character a visible, named marker (no isolation). */
export function visibleText(text: string): ReactNode {
  if (!hasHiddenCharacters(text)) return text
  const parts: ReactNode[] = []
  let last = 0
  for (const match of text.matchAll(HIDDEN)) {
    if (match.index > last) parts.push(text.slice(last, match.index))
    const char = match[0]
    parts.push(
      <span key={match.index} className="al-ctl">
        {markerOf(char)}
      </span>,
    )
    last = match.index + char.length
  }
  if (last < text.length) parts.push(text.slice(last))
  return parts
}

export interface EventTextProps {
  /** A string from an event (or any value, drawn as its text). */
  value: unknown
  className?: string
}

/**
 * Any event field as text, the same in every view: strings as they are, nothing for null or a
 * missing field, anything else as its JSON (exact numbers kept), so a malformed field reads
 * alike in the grid and the dialog instead of as "[object Object]" in one of them.
 */
export function eventText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value == null) return ''
  try {
    return stringifyAuditJson(value)
  } catch {
    return String(value) // a cycle or a function: no JSON for it
  }
}

/**
 * An event-provided string, isolated from the text around it and with bidi and invisible
 * controls shown as markers. Use it in your own columns' cells for any event field.
 */
export function EventText({ value, className }: EventTextProps) {
  return <bdi className={className ? `al-text ${className}` : 'al-text'}>{visibleText(eventText(value))}</bdi>
}

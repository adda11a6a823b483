'use client'
/**
 * The filter row above the log: actions (several; suggestions from the actions seen so far,
 * free text allowed), actor, target, and a date range with presets. Text fields apply on
 * Enter or when they lose focus, so typing does not fire a request per keystroke. A custom
 * range is typed as wall-clock time in the provider's time zone, the one the table shows.
 *
 * On a log narrower than 640 px the fields fold behind a "Filters" button, a disclosure
 * (WAI-ARIA APG, https://www.w3.org/WAI/ARIA/apg/patterns/disclosure/) showing how many filters
 * are set. Which width shows what is CSS alone (styles.css, `@container al-log`): on a wide log
 * the button is not drawn and the fields always show, whatever the disclosure's state.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react'
import type { AuditFilters } from '../core/index.js'
import { useAuditLogContext } from './context.js'
import { displayString, EventText, hasHiddenCharacters } from './event-text.js'
import { fromZonedInput, toZonedInput } from './format.js'

export interface FilterBarProps {
  filters: AuditFilters
  onChange: (filters: AuditFilters) => void
  knownActions: readonly string[]
  /** Epoch ms "now" for telling which preset the filters are, or `null` before mount (see `useNow`). */
  now: number | null
  /** The clock a chosen preset starts from (read when it is chosen, never while rendering). */
  clock: () => number
  children?: ReactNode
}

type Preset = 'any' | 'day' | 'week' | 'month' | 'custom'
const PRESET_MS: Record<'day' | 'week' | 'month', number> = {
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
}

function presetOf(filters: AuditFilters, now: number | null): Preset {
  if (!filters.from && !filters.to) return 'any'
  if (filters.from && !filters.to && now !== null) {
    const span = now - Date.parse(filters.from)
    for (const [preset, ms] of Object.entries(PRESET_MS)) if (Math.abs(span - ms) < 3_600_000) return preset as Preset
  }
  return 'custom'
}

function clean(filters: AuditFilters): AuditFilters {
  const out: AuditFilters = {}
  if (filters.actions && filters.actions.length > 0) out.actions = filters.actions
  if (filters.actorId) out.actorId = filters.actorId
  if (filters.targetId) out.targetId = filters.targetId
  if (filters.from) out.from = filters.from
  if (filters.to) out.to = filters.to
  return out
}

/** How many filters are set, for the narrow toggle: each action, actor, target, and the date range as one. */
function activeCount(filters: AuditFilters): number {
  const { actions = [], actorId, targetId, from, to } = clean(filters)
  return actions.length + Number(Boolean(actorId)) + Number(Boolean(targetId)) + Number(Boolean(from || to))
}

function TextFilter(props: {
  label: string
  placeholder: string
  value?: string | undefined
  onCommit: (value: string) => void
}) {
  const id = useId()
  const [draft, setDraft] = useState(props.value ?? '')
  useEffect(() => setDraft(props.value ?? ''), [props.value])
  const commit = () => draft.trim() !== (props.value ?? '') && props.onCommit(draft.trim())
  return (
    <div className="al-field">
      <label htmlFor={id} className="al-field__label">
        {props.label}
      </label>
      <input
        id={id}
        className="al-input"
        value={draft}
        placeholder={props.placeholder}
        spellCheck={false}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => event.key === 'Enter' && commit()}
      />
    </div>
  )
}

export function FilterBar({ filters, onChange, knownActions, now, clock, children }: FilterBarProps) {
  const { messages, timeZone } = useAuditLogContext('AuditLog')
  const m = messages.filters
  const ids = { actions: useId(), list: useId(), range: useId(), zone: useId(), fields: useId() }
  const [open, setOpen] = useState(false)
  const [actionDraft, setActionDraft] = useState('')
  // The chip's remove button and Clear disappear when used: focus goes on to the Actions field
  // rather than falling to the page.
  const actionsInput = useRef<HTMLInputElement>(null)
  const [custom, setCustom] = useState(false)
  // Cleared from elsewhere (the empty state's button, a controlled host): leave "custom" too.
  useEffect(() => {
    if (!filters.from && !filters.to) setCustom(false)
  }, [filters.from, filters.to])
  const preset = custom ? 'custom' : presetOf(filters, now)
  const update = (patch: Partial<AuditFilters>) => onChange(clean({ ...filters, ...patch }))
  const selected = filters.actions ?? []
  const addAction = () => {
    const action = actionDraft.trim()
    if (action && !selected.includes(action)) update({ actions: [...selected, action] })
    setActionDraft('')
  }
  const count = activeCount(filters)

  return (
    <div className="al-filters" role="search" aria-label={m.label}>
      <button
        type="button"
        className="al-button al-filters__toggle"
        aria-expanded={open}
        aria-controls={ids.fields}
        onClick={() => setOpen(!open)}
      >
        {m.toggle}
        {count > 0 ? (
          <>
            <span className="al-count" aria-hidden="true">
              {count}
            </span>
            <span className="al-visually-hidden"> {m.activeCount(count)}</span>
          </>
        ) : null}
      </button>
      <div id={ids.fields} className={open ? 'al-filters__fields al-filters__fields--open' : 'al-filters__fields'}>
        <div className="al-field al-field--actions">
          <label htmlFor={ids.actions} className="al-field__label">
            {m.actions}
          </label>
          <div className="al-chips">
            {selected.map((action) => (
              <span className="al-chip al-mono" key={action}>
                <EventText value={action} />
                <button
                  type="button"
                  className="al-chip__remove"
                  aria-label={m.removeAction(displayString(action))}
                  onClick={() => {
                    update({ actions: selected.filter((a) => a !== action) })
                    actionsInput.current?.focus()
                  }}
                >
                  ×
                </button>
              </span>
            ))}
            <input
              ref={actionsInput}
              id={ids.actions}
              className="al-input al-input--bare"
              list={ids.list}
              value={actionDraft}
              placeholder={m.actionsPlaceholder}
              spellCheck={false}
              onChange={(event) => setActionDraft(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') addAction()
                if (event.key === 'Backspace' && actionDraft === '' && selected.length > 0)
                  update({ actions: selected.slice(0, -1) })
              }}
              onBlur={addAction}
            />
            <datalist id={ids.list}>
              {/* The browser draws suggestions itself, with bidi controls applied and no isolation:
                an action holding hidden characters is typed, never suggested. */}
              {knownActions
                .filter((a) => !selected.includes(a) && !hasHiddenCharacters(a))
                .map((action) => (
                  <option key={action} value={action} />
                ))}
            </datalist>
          </div>
        </div>
        <TextFilter
          label={m.actor}
          placeholder={m.actorPlaceholder}
          value={filters.actorId}
          onCommit={(actorId) => update({ actorId })}
        />
        <TextFilter
          label={m.target}
          placeholder={m.targetPlaceholder}
          value={filters.targetId}
          onCommit={(targetId) => update({ targetId })}
        />
        <div className="al-field">
          <label htmlFor={ids.range} className="al-field__label">
            {m.range}
          </label>
          <select
            id={ids.range}
            className="al-input"
            value={preset}
            onChange={(event) => {
              const value = event.target.value as Preset
              setCustom(value === 'custom')
              if (value === 'any') update({ from: undefined, to: undefined })
              else if (value !== 'custom')
                update({ from: new Date(clock() - PRESET_MS[value]).toISOString(), to: undefined })
            }}
          >
            {(['any', 'day', 'week', 'month', 'custom'] as const).map((p) => (
              <option key={p} value={p}>
                {m.rangePresets[p]}
              </option>
            ))}
          </select>
        </div>
        {preset === 'custom' ? (
          <>
            {/* datetime-local values carry no zone: they are wall-clock time in `timeZone`. */}
            {(['from', 'to'] as const).map((bound) => (
              <div className="al-field" key={bound}>
                <label className="al-field__label">
                  {m[bound]}
                  <input
                    type="datetime-local"
                    className="al-input"
                    value={toZonedInput(filters[bound], timeZone)}
                    onChange={(event) => update({ [bound]: fromZonedInput(event.target.value, timeZone) })}
                    {...(timeZone ? { 'aria-describedby': ids.zone } : {})}
                  />
                </label>
              </div>
            ))}
            {timeZone ? (
              <span id={ids.zone} className="al-filters__zone al-muted">
                {m.timeZone(timeZone)}
              </span>
            ) : null}
          </>
        ) : null}
        {count > 0 ? (
          <button
            type="button"
            className="al-link al-filters__clear"
            onClick={() => {
              setCustom(false)
              onChange({})
              actionsInput.current?.focus()
            }}
          >
            {m.clear}
          </button>
        ) : null}
      </div>
      <div className="al-filters__end">{children}</div>
    </div>
  )
}

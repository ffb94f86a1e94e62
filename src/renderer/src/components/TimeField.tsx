// Moments and dates typed as this workstation writes them (view-model/format.ts). With the default `hospital` or
// the `iso` preference they are text fields read with a 24-hour clock and an unambiguous date (`02 Dec 2026
// 07:00`, `2026-12-02 07:00`): Chromium's own date and date-time controls follow the browser's language
// instead, `mm/dd/yyyy` and a 12-hour clock with AM/PM in en-US. With the `locale` preference ("this browser's
// language") they are those controls.
import { TextField } from '@mui/material'
import { useState } from 'react'
import {
  dateInputHint,
  fromLocalInput,
  getTimeFormat,
  parseDateInput,
  parseTimeInput,
  timeInputHint,
  toDateInput,
  toLocalInput,
  toTimeInput,
} from '../view-model/format'

interface Common {
  label?: string
  /** What an empty field means, for its hint (e.g. "now"). */
  emptyMeans?: string
  className?: string
  disabled?: boolean
  /** No hint under the field (in a table row); a wrong entry still says so. */
  compact?: boolean
  /** The accessible name when there is no label. */
  ariaLabel?: string
  minWidth?: number
  /** `medium` in a dialog's column of fields (default `small`), filling its box. */
  size?: 'small' | 'medium'
}

/** A field read by `parse` (undefined: not one), whose value the parent holds parsed. */
function TypedField(
  props: Common & {
    /** The parent's value (parsed) and how a value is written. */
    current: string | undefined
    write: (value: string | undefined) => string
    parse: (text: string) => string | undefined
    hint: string
    onChange: (value: string | undefined) => void
  },
) {
  const [text, setText] = useState(() => props.write(props.current))
  // The parent changed the value itself (e.g. a range cleared): show the new one.
  const [seen, setSeen] = useState(props.current)
  if (seen !== props.current) {
    setSeen(props.current)
    if ((text.trim() ? props.parse(text) : undefined) !== props.current) setText(props.write(props.current))
  }
  const [focused, setFocused] = useState(false)
  const wrong = !!text.trim() && !props.parse(text) && !focused
  const empty = props.emptyMeans ? `; empty: ${props.emptyMeans}` : ''
  return (
    <TextField
      className={props.className}
      size={props.size ?? 'small'}
      label={props.label}
      value={text}
      disabled={props.disabled}
      placeholder={props.emptyMeans ?? props.hint.replace(/^e\.g\. /, '').replace(/ \(24 h\)$/, '')}
      error={wrong}
      helperText={
        wrong
          ? `Not ${props.hint.includes(':') ? 'a time' : 'a date'}: write it ${props.hint.replace(/^e\.g\. /, 'as ')}`
          : props.compact
            ? undefined
            : `${props.hint}${empty}`
      }
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
      onChange={(e) => {
        const t = e.target.value
        setText(t)
        if (!t.trim()) props.onChange(undefined)
        else {
          const v = props.parse(t)
          if (v) props.onChange(v)
        }
      }}
      slotProps={{
        inputLabel: { shrink: true },
        htmlInput: props.ariaLabel ? { 'aria-label': props.ariaLabel } : {},
      }}
      fullWidth={props.size === 'medium'}
      // A compact field is as wide as what it holds, so filter rows keep to one line.
      sx={
        props.compact ? { width: props.minWidth ?? 230, flexShrink: 0 } : { minWidth: props.minWidth ?? 230 }
      }
    />
  )
}

/** A moment (ISO), typed in local time. */
export function TimeField(
  props: Common & {
    value: string | undefined
    onChange: (iso: string | undefined) => void
    /** Show and keep seconds (a recording's time). */
    seconds?: boolean
  },
) {
  const format = getTimeFormat()
  if (format === 'locale')
    return (
      <TextField
        className={props.className}
        type="datetime-local"
        size={props.size ?? 'small'}
        label={props.label}
        disabled={props.disabled}
        value={toLocalInput(props.value)}
        onChange={(e) => props.onChange(fromLocalInput(e.target.value))}
        slotProps={{
          inputLabel: { shrink: true },
          htmlInput: {
            ...(props.seconds ? { step: 1 } : {}),
            ...(props.ariaLabel ? { 'aria-label': props.ariaLabel } : {}),
          },
        }}
      />
    )
  return (
    <TypedField
      {...props}
      current={props.value}
      write={(v) => toTimeInput(v, format, props.seconds)}
      parse={(t) => parseTimeInput(t)}
      hint={timeInputHint(format)}
    />
  )
}

/** A calendar date (YYYY-MM-DD, '' for none). */
export function DateField(props: Common & { value: string; onChange: (ymd: string) => void }) {
  const format = getTimeFormat()
  if (format === 'locale')
    return (
      <TextField
        className={props.className}
        type="date"
        size={props.size ?? 'small'}
        label={props.label}
        disabled={props.disabled}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        slotProps={{ inputLabel: { shrink: true } }}
        sx={props.minWidth ? { minWidth: props.minWidth } : undefined}
      />
    )
  return (
    <TypedField
      {...props}
      current={props.value || undefined}
      write={(v) => toDateInput(v, format)}
      parse={parseDateInput}
      hint={dateInputHint(format)}
      onChange={(v) => props.onChange(v ?? '')}
      minWidth={props.minWidth ?? 150}
    />
  )
}

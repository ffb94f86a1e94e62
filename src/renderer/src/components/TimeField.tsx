// A moment typed as this workstation writes times (view-model/format.ts). With the default `hospital` or the
// `iso` preference it is a text field read with a 24-hour clock (`02 Dec 2026 07:00`, `2026-12-02 07:00`):
// Chromium's own date-time control follows the browser's language instead, a 12-hour clock with AM/PM in
// en-US. With the `locale` preference ("this browser's language") it is that control.
import { TextField } from '@mui/material'
import { useState } from 'react'
import {
  fromLocalInput,
  getTimeFormat,
  parseTimeInput,
  timeInputHint,
  toLocalInput,
  toTimeInput,
} from '../view-model/format'

export function TimeField(props: {
  label: string
  /** The moment (ISO), or undefined for none. */
  value: string | undefined
  onChange: (iso: string | undefined) => void
  /** What an empty field means, for its hint (e.g. "now"). */
  emptyMeans?: string
  className?: string
}) {
  const format = getTimeFormat()
  const [text, setText] = useState(() => toTimeInput(props.value, format))
  const [focused, setFocused] = useState(false)
  if (format === 'locale')
    return (
      <TextField
        className={props.className}
        type="datetime-local"
        size="small"
        label={props.label}
        value={toLocalInput(props.value)}
        onChange={(e) => props.onChange(fromLocalInput(e.target.value))}
        slotProps={{ inputLabel: { shrink: true } }}
      />
    )
  const parsed = text.trim() ? parseTimeInput(text) : undefined
  const wrong = !!text.trim() && !parsed && !focused
  const empty = props.emptyMeans ? `; empty: ${props.emptyMeans}` : ''
  return (
    <TextField
      className={props.className}
      size="small"
      label={props.label}
      value={text}
      placeholder={props.emptyMeans}
      error={wrong}
      helperText={
        wrong
          ? `Not a time: write it ${timeInputHint(format).replace(/^e\.g\. /, 'as ')}`
          : `${timeInputHint(format)}${empty}`
      }
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
      onChange={(e) => {
        const t = e.target.value
        setText(t)
        if (!t.trim()) props.onChange(undefined)
        else {
          const at = parseTimeInput(t)
          if (at) props.onChange(at)
        }
      }}
      slotProps={{
        inputLabel: { shrink: true },
        htmlInput: { inputMode: 'numeric', 'data-testid': 'time-field' },
      }}
      sx={{ minWidth: 230 }}
    />
  )
}

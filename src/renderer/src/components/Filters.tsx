// Filter fields shared by the review queue, the exports and the cry lists: an infant picker and a date range.
import { MenuItem, Stack, TextField } from '@mui/material'
import type { Infant } from '../../../shared/contract'
import { getTimeFormat } from '../view-model/format'
import { DateField } from './TimeField'

export function InfantSelect(props: {
  infants: Infant[] | undefined
  value: number | ''
  onChange: (id: number | '') => void
  allLabel?: string
  label?: string
  testId?: string
}) {
  return (
    <TextField
      select
      size="small"
      label={props.label ?? 'Infant'}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value === '' ? '' : Number(e.target.value))}
      sx={{ minWidth: 200 }}
      slotProps={{
        htmlInput: props.testId ? { 'data-testid': props.testId } : {},
        // The empty value has a label too ("All infants"): show it rather than a blank field.
        select: { displayEmpty: true },
        inputLabel: { shrink: true },
      }}
    >
      <MenuItem value="">{props.allLabel ?? 'All infants'}</MenuItem>
      {(props.infants ?? []).map((i) => (
        <MenuItem key={i.id} value={i.id}>
          {i.bed ? `Bed ${i.bed} · ` : ''}
          {i.label}
        </MenuItem>
      ))}
    </TextField>
  )
}

/** From/to dates (inclusive days, local time), typed as the workstation writes dates (components/TimeField.tsx). */
export function DateRange(props: {
  from: string
  to: string
  onChange: (range: { from: string; to: string }) => void
}) {
  return (
    <Stack direction="row" spacing={1}>
      <DateField
        compact
        label="From"
        key={`from-${getTimeFormat()}`}
        value={props.from}
        onChange={(from) => props.onChange({ from, to: props.to })}
      />
      <DateField
        compact
        label="To"
        key={`to-${getTimeFormat()}`}
        value={props.to}
        onChange={(to) => props.onChange({ from: props.from, to })}
      />
    </Stack>
  )
}

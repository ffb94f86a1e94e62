// The import preview: for each chosen file, what was found (format, length), its recording time and where that
// time came from (editable), the infant it goes to (editable), and whether it will be imported.
import { useState } from 'react'
import {
  Button,
  MenuItem,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material'
import type { ImportPreviewItem, Infant } from '../../../shared/contract'
import { formatDuration, fromLocalInput, getTimeFormat, toLocalInput } from '../view-model/format'
import { TimeField } from './TimeField'

/** Assignment value for an infant the import will create. */
export const NEW_INFANT = 'new:'
const FIRST_ROWS = 300

const SOURCE: Record<string, string> = {
  filename: 'from the file name',
  bext: 'from the BWF header',
  info: 'from the file info',
  mtime: 'file modified time',
  user: 'set by you',
  simulator: 'simulator',
}

export function ImportPreviewTable(props: {
  rows: ImportPreviewItem[]
  infants: Infant[]
  assign: Record<string, string>
  onAssign: (grantId: string, value: string) => void
  times: Record<string, string>
  onTime: (grantId: string, value: string) => void
  importable: number
  refreshing: boolean
  onStart: () => void
  onClear: () => void
}) {
  const [all, setAll] = useState(false)
  const rows = all ? props.rows : props.rows.slice(0, FIRST_ROWS)
  const skipped = props.rows.length - props.importable
  return (
    <Paper>
      <Table size="small" aria-label="import preview">
        <TableHead>
          <TableRow>
            <TableCell>File</TableCell>
            <TableCell>Format</TableCell>
            <TableCell align="right">Duration</TableCell>
            <TableCell>Recorded (source)</TableCell>
            <TableCell>Infant</TableCell>
            <TableCell>Status</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((p) => {
            const name = p.relativePath ?? p.name
            const edited = props.times[p.grantId] !== undefined
            return (
              <TableRow key={p.grantId}>
                <TableCell>{name}</TableCell>
                <TableCell>{p.format ?? '—'}</TableCell>
                <TableCell align="right">
                  {p.durationS !== null ? formatDuration(p.durationS) : '—'}
                </TableCell>
                <TableCell>
                  {p.recordedAt ? (
                    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                      {/* As the workstation writes times, with a 24-hour clock (not Chromium's AM/PM control). */}
                      <TimeField
                        key={getTimeFormat()}
                        compact
                        seconds
                        minWidth={228}
                        value={edited ? fromLocalInput(props.times[p.grantId]!) : p.recordedAt}
                        onChange={(iso) => props.onTime(p.grantId, toLocalInput(iso))}
                        disabled={!!p.problem}
                        ariaLabel={`recording time of ${name}`}
                      />
                      <Typography variant="body2" color={edited ? 'primary' : 'text.secondary'}>
                        {edited ? SOURCE.user : (SOURCE[p.timeSource ?? ''] ?? p.timeSource ?? '')}
                      </Typography>
                    </Stack>
                  ) : (
                    '—'
                  )}
                </TableCell>
                <TableCell>
                  <TextField
                    select
                    size="small"
                    value={props.assign[p.grantId] ?? ''}
                    onChange={(e) => props.onAssign(p.grantId, e.target.value)}
                    sx={{ minWidth: 200 }}
                    disabled={!!p.problem}
                    slotProps={{ htmlInput: { 'aria-label': `infant for ${name}` } }}
                  >
                    <MenuItem value="" disabled>
                      Choose…
                    </MenuItem>
                    {p.newInfantLabel && (
                      <MenuItem value={NEW_INFANT + p.newInfantLabel}>New: {p.newInfantLabel}</MenuItem>
                    )}
                    {props.infants.map((i) => (
                      <MenuItem key={i.id} value={String(i.id)}>
                        {i.bed ? `${i.bed} · ` : ''}
                        {i.label}
                      </MenuItem>
                    ))}
                  </TextField>
                </TableCell>
                <TableCell>
                  {p.problem ? (
                    <Typography color="error" variant="body2">
                      {p.problem}
                    </Typography>
                  ) : p.duplicateOfRecordingId ? (
                    'already imported'
                  ) : props.assign[p.grantId] ? (
                    'ready'
                  ) : (
                    <Typography color="warning.main" variant="body2">
                      choose the infant
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            )
          })}
        </TableBody>
      </Table>
      {props.rows.length > FIRST_ROWS && !all && (
        <Button sx={{ m: 1 }} onClick={() => setAll(true)}>
          Show all {props.rows.length} files
        </Button>
      )}
      <Stack direction="row" spacing={2} sx={{ p: 2, alignItems: 'center' }}>
        <Button variant="contained" onClick={props.onStart} disabled={!props.importable || props.refreshing}>
          Import {props.importable} file{props.importable === 1 ? '' : 's'}
        </Button>
        <Button onClick={props.onClear}>Clear</Button>
        <Typography color="text.secondary">
          {props.refreshing ? 'Updating the preview…' : skipped ? `${skipped} will be skipped` : ''}
        </Typography>
      </Stack>
    </Paper>
  )
}

// The audit log (clinicians, researchers, administrators): every clinical action, setting change, export and
// administration step, newest first, filtered by kind of action, user, record and date, paged backwards; the
// filtered log can be exported as CSV (itself an audited export).
import { useState } from 'react'
import {
  Alert,
  Box,
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
import type { AuditEntry, AuditFilter } from '../../../shared/contract'
import { api } from '../api/client'
import { DateRange } from '../components/Filters'
import { LoadState } from '../components/States'
import { auditChanges, AUDIT_FAMILIES } from '../view-model/audit-format'
import { downloadExport } from '../api/download'
import { formatTime, fromLocalInput } from '../view-model/format'
import { useLoad, useRoute } from '../api/hooks'

/** Entries a page: with their before → after lines (at most six shown, the rest scroll), under three screens. */
const PAGE = 15

export function AuditScreen() {
  const [, , query] = useRoute()
  const [family, setFamily] = useState(() => {
    const a = query.get('action') ?? ''
    return AUDIT_FAMILIES.find((f) => a.startsWith(f.prefix))?.prefix ?? ''
  })
  const [action] = useState(query.get('action') ?? '')
  const [username, setUsername] = useState('')
  const [entityId, setEntityId] = useState('')
  const [range, setRange] = useState({ from: '', to: '' })
  // Pages, newest first: `cursors` holds the beforeId of each page opened so far (undefined: the newest).
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined])
  const [error, setError] = useState<string | null>(null)
  const [exported, setExported] = useState<string | null>(null)
  const filter: AuditFilter = {
    ...(action && family && action.startsWith(family) ? { action } : family ? { actionPrefix: family } : {}),
    ...(username.trim() ? { username: username.trim() } : {}),
    ...(entityId.trim() ? { entityId: entityId.trim() } : {}),
    ...(range.from ? { since: fromLocalInput(range.from) } : {}),
    ...(range.to ? { until: fromLocalInput(range.to, true) } : {}),
  }
  const key = JSON.stringify(filter)
  const [pageOf, setPageOf] = useState(key)
  if (pageOf !== key) {
    // A new filter starts on its newest page.
    setPageOf(key)
    setCursors([undefined])
  }
  const cursor = cursors[cursors.length - 1]
  const first = useLoad(
    () => api.listAudit({ filter, limit: PAGE, ...(cursor !== undefined ? { beforeId: cursor } : {}) }),
    [key, cursor],
  )
  const entries: AuditEntry[] = first.data?.entries ?? []
  const more = first.data?.nextBeforeId ?? null
  const pageNo = cursors.length
  const exportCsv = async () => {
    setError(null)
    try {
      const r = await api.exportAudit({ filter })
      downloadExport({ fileName: r.fileName, mimeType: 'text/csv', content: r.csv })
      setExported(
        `${r.fileName}: ${r.rows} ${r.rows === 1 ? 'entry' : 'entries'}${r.truncated ? ' (the newest; narrow the filter for the rest)' : ''}`,
      )
    } catch (e) {
      setError((e as Error).message)
    }
  }
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        Audit log
      </Typography>
      <Typography color="text.secondary">
        Who did what, when, with the values before and after. The log is append-only; exporting it is recorded
        too.
      </Typography>
      {error && <Alert severity="error">{error}</Alert>}
      {exported && (
        <Alert severity="success" data-testid="audit-exported">
          {exported}
        </Alert>
      )}
      <Stack direction="row" spacing={2} sx={{ flexWrap: 'wrap', rowGap: 1.5, alignItems: 'center' }}>
        <TextField
          select
          size="small"
          label="Kind"
          value={family}
          onChange={(e) => setFamily(e.target.value)}
          sx={{ minWidth: 200 }}
          slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
        >
          <MenuItem value="">Everything</MenuItem>
          {AUDIT_FAMILIES.map((f) => (
            <MenuItem key={f.prefix} value={f.prefix}>
              {f.label}
            </MenuItem>
          ))}
        </TextField>
        <TextField size="small" label="User" value={username} onChange={(e) => setUsername(e.target.value)} />
        <TextField
          size="small"
          label="Record id"
          value={entityId}
          onChange={(e) => setEntityId(e.target.value)}
          sx={{ width: 120 }}
        />
        <DateRange from={range.from} to={range.to} onChange={setRange} />
        <Button variant="outlined" onClick={() => void exportCsv()}>
          Export CSV
        </Button>
      </Stack>
      <Paper>
        <LoadState
          loading={first.loading && !first.data}
          error={first.error}
          empty={entries.length === 0}
          emptyText="No audit entries match."
        >
          <Table size="small" aria-label="audit log">
            <TableHead>
              <TableRow>
                <TableCell>#</TableCell>
                <TableCell>When</TableCell>
                <TableCell>Who</TableCell>
                <TableCell>Action</TableCell>
                <TableCell>Record</TableCell>
                <TableCell>What changed</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {entries.map((e) => (
                <TableRow key={e.id} data-testid="audit-row" data-action={e.action}>
                  <TableCell>{e.id}</TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(e.at, { seconds: true })}</TableCell>
                  <TableCell>
                    {e.username}
                    <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
                      {e.role}
                    </Typography>
                  </TableCell>
                  <TableCell>{e.action}</TableCell>
                  <TableCell>{e.entity ? `${e.entity}${e.entityId ? ` ${e.entityId}` : ''}` : '—'}</TableCell>
                  <TableCell sx={{ fontFamily: 'monospace', fontSize: 13 }}>
                    {/* A long change (a whole settings set) scrolls in its cell instead of stretching the page. */}
                    <Box sx={{ maxHeight: '9.5em', overflowY: 'auto' }} data-testid="audit-changes">
                      {auditChanges(e.before, e.after).map((l, i) => (
                        <div key={i}>{l}</div>
                      ))}
                    </Box>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </LoadState>
      </Paper>
      <Stack
        direction="row"
        spacing={2}
        sx={{ alignSelf: 'center', alignItems: 'center' }}
        role="navigation"
        aria-label="audit log pages"
      >
        <Button onClick={() => setCursors(cursors.slice(0, -1))} disabled={pageNo === 1}>
          ← Newer entries
        </Button>
        <Typography color="text.secondary" data-testid="audit-page">
          Page {pageNo} · {PAGE} entries a page, newest first
        </Typography>
        <Button onClick={() => more !== null && setCursors([...cursors, more])} disabled={more === null}>
          Older entries →
        </Button>
      </Stack>
    </Stack>
  )
}

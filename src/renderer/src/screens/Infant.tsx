import { useState } from 'react'
import {
  Alert,
  Box,
  Button,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material'
import { EXPORTERS, type User } from '../../../shared/contract'
import { api } from '../api/client'
import { InfantDialog } from '../components/InfantDialog'
import { InfantAge } from '../components/InfantName'
import { LoadState } from '../components/States'
import { downloadExport } from '../api/download'
import { formatDuration, formatRate, formatTime } from '../view-model/format'
import { useLoad } from '../api/hooks'

export function InfantScreen({ id, user, go }: { id: number; user: User; go: (p: string) => void }) {
  const infant = useLoad(() => api.getInfant({ id }), [id], ['infants'])
  const recordings = useLoad(() => api.listRecordings({ infantId: id }), [id], ['recordings'])
  const [editing, setEditing] = useState(false)
  const [exporting, setExporting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const exportCsv = async () => {
    setExporting(true)
    setError(null)
    try {
      downloadExport(await api.exportCriesCsv({ infantId: id }))
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setExporting(false)
    }
  }
  return (
    <Stack spacing={2}>
      {error && <Alert severity="error">{error}</Alert>}
      <LoadState loading={infant.loading} error={infant.error}>
        <Stack sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }} direction="row" spacing={2}>
          <Box sx={{ flex: 1 }}>
            <Typography variant="h5" component="h2">
              {infant.data?.label} {infant.data?.bed ? `· bed ${infant.data.bed}` : ''}
            </Typography>
            <InfantAge infant={infant.data} />
          </Box>
          <Button variant="contained" onClick={() => go(`timeline/${id}`)}>
            Timeline
          </Button>
          <Button onClick={() => setEditing(true)}>Edit</Button>
          <Button onClick={() => go(`review?infant=${id}`)}>Review flagged cries</Button>
          {EXPORTERS.includes(user.role) && (
            <Button onClick={() => void exportCsv()} disabled={exporting}>
              {exporting ? 'Preparing…' : 'Cries as CSV'}
            </Button>
          )}
          <Button variant="outlined" onClick={() => go(`import/${id}`)}>
            Import for this infant
          </Button>
        </Stack>
      </LoadState>
      <Paper>
        <LoadState
          loading={recordings.loading}
          error={recordings.error}
          empty={recordings.data?.length === 0}
          emptyText="No recordings for this infant yet."
        >
          <Table aria-label="recordings">
            <TableHead>
              <TableRow>
                <TableCell>Recorded</TableCell>
                <TableCell>File</TableCell>
                <TableCell align="right">Duration</TableCell>
                <TableCell align="right">Sample rate</TableCell>
                <TableCell align="right">Cries</TableCell>
                <TableCell>Format</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {(recordings.data ?? []).map((r) => (
                <TableRow
                  key={r.id}
                  hover
                  sx={{ cursor: 'pointer' }}
                  onClick={() => go(`recording/${r.id}`)}
                  tabIndex={0}
                  onKeyDown={(e) => e.key === 'Enter' && go(`recording/${r.id}`)}
                >
                  <TableCell title={`time from ${r.timeSource}`}>{formatTime(r.recordedAt)}</TableCell>
                  <TableCell>{r.fileName}</TableCell>
                  <TableCell align="right">{formatDuration(r.durationS)}</TableCell>
                  <TableCell align="right">{formatRate(r.nativeSampleRate)}</TableCell>
                  <TableCell align="right">{r.cryCount}</TableCell>
                  <TableCell>{r.format}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </LoadState>
      </Paper>
      {editing && infant.data && <InfantDialog open infant={infant.data} onClose={() => setEditing(false)} />}
    </Stack>
  )
}

import { useState } from 'react'
import {
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
import { api } from '../api/client'
import { InfantDialog } from '../components/InfantDialog'
import { LoadState } from '../components/States'
import { formatTime } from '../format'
import { useLoad } from '../hooks'

export function WardScreen({ go }: { go: (p: string) => void }) {
  const infants = useLoad(() => api.listInfants({}), [], ['infants', 'recordings', 'cries'])
  const [adding, setAdding] = useState(false)
  return (
    <Stack spacing={2}>
      <Stack sx={{ alignItems: 'center' }} direction="row" spacing={2}>
        <Typography variant="h5" component="h2" sx={{ flex: 1 }}>
          Ward overview
        </Typography>
        <Button variant="outlined" onClick={() => go('import')}>
          Import recordings
        </Button>
        <Button variant="contained" onClick={() => setAdding(true)}>
          Add infant
        </Button>
      </Stack>
      <Paper>
        <LoadState
          loading={infants.loading}
          error={infants.error}
          empty={infants.data?.length === 0}
          emptyText="No infants yet. Add one, or import recordings."
        >
          <Table aria-label="infants">
            <TableHead>
              <TableRow>
                <TableCell>Bed</TableCell>
                <TableCell>Infant</TableCell>
                <TableCell align="right">Recordings</TableCell>
                <TableCell align="right">Cries</TableCell>
                <TableCell>Last cry</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {(infants.data ?? []).map((i) => (
                <TableRow
                  key={i.id}
                  hover
                  sx={{ cursor: 'pointer' }}
                  onClick={() => go(`infant/${i.id}`)}
                  tabIndex={0}
                  onKeyDown={(e) => e.key === 'Enter' && go(`infant/${i.id}`)}
                >
                  <TableCell>{i.bed ?? '—'}</TableCell>
                  <TableCell>{i.label}</TableCell>
                  <TableCell align="right">{i.recordingCount}</TableCell>
                  <TableCell align="right">{i.cryCount}</TableCell>
                  <TableCell>{formatTime(i.lastCryAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </LoadState>
      </Paper>
      {adding && <InfantDialog open onClose={() => setAdding(false)} />}
    </Stack>
  )
}

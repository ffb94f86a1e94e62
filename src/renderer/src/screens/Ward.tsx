// Ward overview: every infant with bed and name, last cry, drift alert state, a sparkline of recent anomaly
// scores and the cries awaiting review; infants are added and edited here.
import { useMemo, useState } from 'react'
import {
  Button,
  Chip,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from '@mui/material'
import {
  HANDOVER_READERS,
  type Alert,
  type Infant,
  type User,
  type WardCrySummary,
} from '../../../shared/contract'
import { api } from '../api/client'
import { DemoBanner } from '../components/DemoBanner'
import { InfantDialog } from '../components/InfantDialog'
import { Sparkline } from '../components/Sparkline'
import { LoadState } from '../components/States'
import { InfantName } from '../components/InfantName'
import { When } from '../components/When'
import { useLoad } from '../api/hooks'

/** An infant's current drift alert: a new one outranks an acknowledged one; resolved alerts are history. */
export function openAlertStates(alerts: Alert[]): Map<number, 'new' | 'acknowledged'> {
  const out = new Map<number, 'new' | 'acknowledged'>()
  for (const a of alerts) {
    if (a.state === 'new') out.set(a.infantId, 'new')
    else if (a.state === 'acknowledged' && !out.has(a.infantId)) out.set(a.infantId, 'acknowledged')
  }
  return out
}

export function WardScreen({ user, go }: { user: User; go: (p: string) => void }) {
  const infants = useLoad(() => api.listInfants({}), [], ['infants', 'recordings', 'cries'])
  const summary = useLoad(() => api.wardSummary({ recentScores: 30 }), [], ['infants', 'cries', 'reviews'])
  const alerts = useLoad(() => api.listAlerts({}).then(openAlertStates), [], ['alerts'])
  const [editing, setEditing] = useState<Infant | 'new' | null>(null)
  const byInfant = useMemo(
    () => new Map<number, WardCrySummary>((summary.data ?? []).map((s) => [s.infantId, s])),
    [summary.data],
  )
  const awaiting = (summary.data ?? []).reduce((n, s) => n + s.awaitingReview, 0)
  return (
    <Stack spacing={2}>
      <Stack sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }} direction="row" spacing={2}>
        <Typography variant="h5" component="h2" sx={{ flex: 1 }}>
          Ward overview
        </Typography>
        {summary.data && (
          <Button
            variant={awaiting ? 'contained' : 'outlined'}
            color={awaiting ? 'error' : 'primary'}
            onClick={() => go('review')}
            data-testid="awaiting-review-total"
          >
            {awaiting} {awaiting === 1 ? 'cry awaits' : 'cries await'} review
          </Button>
        )}
        {HANDOVER_READERS.includes(user.role) && (
          <Button variant="outlined" onClick={() => go('handover')}>
            Shift handover
          </Button>
        )}
        <Button variant="outlined" onClick={() => go('import')}>
          Import recordings
        </Button>
        <Button variant="contained" onClick={() => setEditing('new')}>
          Add infant
        </Button>
      </Stack>
      <DemoBanner />
      <Paper>
        <LoadState
          loading={infants.loading}
          error={infants.error ?? summary.error}
          empty={infants.data?.length === 0}
          emptyText="No infants yet. Add one, or import recordings (one folder per infant creates them)."
        >
          <Table aria-label="infants">
            <TableHead>
              <TableRow>
                <TableCell>Bed</TableCell>
                <TableCell>Infant</TableCell>
                <TableCell>Last cry</TableCell>
                <TableCell>Alert</TableCell>
                <TableCell>Recent scores</TableCell>
                <TableCell align="right">Awaiting review</TableCell>
                <TableCell align="right">Recordings</TableCell>
                <TableCell align="right">Cries</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {(infants.data ?? []).map((i) => {
                const s = byInfant.get(i.id)
                const alert = alerts.data?.get(i.id)
                return (
                  <TableRow
                    key={i.id}
                    hover
                    sx={{ cursor: 'pointer' }}
                    onClick={() => go(`infant/${i.id}`)}
                    tabIndex={0}
                    onKeyDown={(e) =>
                      e.key === 'Enter' && e.target === e.currentTarget && go(`infant/${i.id}`)
                    }
                    aria-label={`${i.label}${i.bed ? `, bed ${i.bed}` : ''}`}
                  >
                    <TableCell sx={{ fontWeight: 600, fontSize: '1.1rem' }}>{i.bed ?? '—'}</TableCell>
                    <TableCell>
                      <InfantName infant={i} />
                    </TableCell>
                    <TableCell>
                      <When at={i.lastCryAt} stacked />
                    </TableCell>
                    <TableCell data-testid="alert-state">
                      {alert ? (
                        <Chip
                          size="small"
                          color={alert === 'new' ? 'error' : 'warning'}
                          label={alert === 'new' ? 'drift alert' : 'acknowledged'}
                        />
                      ) : (
                        <Tooltip
                          title={
                            alerts.error
                              ? `Alerts unavailable: ${alerts.error.message}`
                              : 'No open drift alert'
                          }
                        >
                          <span>—</span>
                        </Tooltip>
                      )}
                    </TableCell>
                    <TableCell>
                      <Sparkline scores={s?.recentScores ?? []} label={`${i.label} recent scores`} />
                    </TableCell>
                    <TableCell align="right">
                      {s && s.awaitingReview > 0 ? (
                        <Chip
                          color="error"
                          label={s.awaitingReview}
                          onClick={(e) => {
                            e.stopPropagation()
                            go(`review?infant=${i.id}`)
                          }}
                          aria-label={`${s.awaitingReview} cries of ${i.label} await review`}
                        />
                      ) : (
                        '0'
                      )}
                    </TableCell>
                    <TableCell align="right">{i.recordingCount}</TableCell>
                    <TableCell align="right">{i.cryCount}</TableCell>
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      <Button
                        size="small"
                        onClick={(e) => {
                          e.stopPropagation()
                          go(`timeline/${i.id}`)
                        }}
                        aria-label={`timeline of ${i.label}`}
                      >
                        Timeline
                      </Button>
                      <Button
                        size="small"
                        onClick={(e) => {
                          e.stopPropagation()
                          setEditing(i)
                        }}
                        aria-label={`edit ${i.label}`}
                      >
                        Edit
                      </Button>
                    </TableCell>
                  </TableRow>
                )
              })}
            </TableBody>
          </Table>
        </LoadState>
      </Paper>
      <Typography variant="body2" color="text.secondary">
        Scores are each infant's own: 0.5 is a typical cry for that infant, near 1 is unlike anything in its
        baseline.
      </Typography>
      {editing && (
        <InfantDialog
          open
          infant={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  )
}

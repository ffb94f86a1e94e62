// The shift handover: the ward over the last hours (12 by default), per infant its cries and flags, its drift
// alerts with what changed, and the verdicts given with who gave them; printed (or saved as PDF) for the next
// shift with a print stylesheet like the timeline's report. The data is one core call (shiftHandover); the
// text is handover-view.ts's.
import { Box, Button, Chip, GlobalStyles, MenuItem, Paper, Stack, TextField, Typography } from '@mui/material'
import { useEffect, useRef, useState } from 'react'
import { api } from '../api/client'
import { LoadState } from '../components/States'
import { TimeField } from '../components/TimeField'
import { getTimeFormat } from '../view-model/format'
import { handoverView, type HandoverInfantView } from '../view-model/handover-view'
import { useLoad } from '../api/hooks'

/** Print: the handover alone, on A4, an infant never split across pages where it fits on one. */
const PRINT_STYLES = {
  '@media print': {
    '.iclas-no-print, header.MuiAppBar-root': { display: 'none !important' },
    'main.MuiBox-root': { padding: '0 !important' },
    body: { background: '#fff' },
    '.iclas-handover-infant': {
      breakInside: 'avoid',
      boxShadow: 'none !important',
      border: '1px solid #bbb',
    },
    '@page': { size: 'A4 portrait', margin: '12mm' },
  },
}

const SHIFTS = [8, 12, 24]
const ALERT_COLOR = { new: 'error', acknowledged: 'warning', resolved: 'default' } as const

export function HandoverScreen({ go }: { go: (p: string) => void }) {
  const [hours, setHours] = useState(12)
  // The shift ends now unless an earlier end is chosen (a shift handed over late, or read again next day).
  const [to, setTo] = useState<string | undefined>(undefined)
  const handover = useLoad(
    () => api.shiftHandover({ hours, ...(to ? { to } : {}) }),
    [hours, to],
    ['infants', 'cries', 'alerts', 'reviews'],
  )
  // Written at each render, so a change of the workstation's time format shows at once.
  const view = handover.data ? handoverView(handover.data) : undefined
  const from = handover.data?.from
  const until = handover.data?.to
  // Printing is audited (who, when, which window), by the button and by the browser's own Print (Ctrl+P) alike.
  const printing = useRef(false)
  useEffect(() => {
    if (!from || !until) return
    const record = () => {
      if (!printing.current) void api.printShiftHandover({ from, to: until }).catch(() => undefined)
    }
    window.addEventListener('beforeprint', record)
    return () => window.removeEventListener('beforeprint', record)
  }, [from, until])
  const print = async () => {
    if (!from || !until) return
    printing.current = true
    try {
      await api.printShiftHandover({ from, to: until })
      window.print()
    } finally {
      printing.current = false
    }
  }
  return (
    <Stack spacing={2} data-testid="handover">
      <GlobalStyles styles={PRINT_STYLES} />
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <Box sx={{ flex: 1, minWidth: 320 }}>
          <Typography variant="h5" component="h2">
            {view?.title ?? 'Shift handover'}
          </Typography>
          {view && (
            <Typography color="text.secondary" data-testid="handover-summary">
              {view.summary}
            </Typography>
          )}
        </Box>
        <TextField
          className="iclas-no-print"
          select
          size="small"
          label="Shift"
          value={hours}
          onChange={(e) => setHours(Number(e.target.value))}
          sx={{ minWidth: 140 }}
        >
          {SHIFTS.map((h) => (
            <MenuItem key={h} value={h}>
              last {h} h
            </MenuItem>
          ))}
        </TextField>
        {/* Typed as the workstation writes times (24-hour clock), not in the browser's 12-hour control. */}
        <TimeField
          key={getTimeFormat()}
          className="iclas-no-print"
          label="Shift ending"
          value={to}
          onChange={setTo}
          emptyMeans="now"
        />
        <Button className="iclas-no-print" onClick={() => go('ward')}>
          Ward
        </Button>
        <Button className="iclas-no-print" variant="contained" disabled={!view} onClick={() => void print()}>
          Print handover
        </Button>
      </Stack>
      <LoadState
        loading={handover.loading}
        error={handover.error}
        empty={view?.infants.length === 0}
        emptyText="No infants on the ward."
      >
        {view?.infants.map((i) => (
          <InfantSection key={i.infantId} infant={i} go={go} />
        ))}
        {view && (
          <Typography variant="caption" color="text.secondary" data-testid="handover-footer">
            {view.footer}
          </Typography>
        )}
      </LoadState>
    </Stack>
  )
}

function InfantSection({ infant: i, go }: { infant: HandoverInfantView; go: (p: string) => void }) {
  return (
    <Paper
      component="section"
      aria-label={i.title}
      className="iclas-handover-infant"
      data-testid="handover-infant"
      data-attention={i.needsAttention}
      sx={{
        p: 2,
        borderLeft: 4,
        borderLeftColor: i.needsAttention ? 'error.main' : i.quiet ? 'divider' : 'success.main',
      }}
    >
      <Stack direction="row" spacing={1.5} sx={{ alignItems: 'baseline', flexWrap: 'wrap', rowGap: 0.5 }}>
        <Typography variant="h6" component="h3">
          {i.title}
        </Typography>
        {i.hospitalNumber && (
          <Typography color="text.secondary" data-testid="hospital-number">
            {i.hospitalNumber}
          </Typography>
        )}
        <Typography sx={{ flex: 1 }} data-testid="handover-activity">
          {i.activity}
        </Typography>
        <Button className="iclas-no-print" size="small" onClick={() => go(`timeline/${i.infantId}`)}>
          Timeline
        </Button>
      </Stack>
      {i.alerts.length > 0 && (
        <Box sx={{ mt: 1 }}>
          <Typography variant="subtitle2" component="h4">
            Drift alerts
          </Typography>
          <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
            {i.alerts.map((a) => (
              <Typography
                component="li"
                variant="body2"
                key={a.id}
                data-testid="handover-alert"
                data-state={a.state}
                sx={{ mb: 0.5 }}
              >
                <Chip size="small" color={ALERT_COLOR[a.state]} label={a.state} sx={{ mr: 1 }} />
                <b>{a.head}</b> — {a.message}
                {a.handled && (
                  <Typography component="span" variant="body2" color="text.secondary">
                    {' '}
                    · {a.handled}
                  </Typography>
                )}
              </Typography>
            ))}
          </Box>
        </Box>
      )}
      {i.verdicts.length > 0 && (
        <Box sx={{ mt: 1 }}>
          <Typography variant="subtitle2" component="h4">
            Verdicts given
          </Typography>
          <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
            {i.verdicts.map((v) => (
              <Typography
                component="li"
                variant="body2"
                key={v.id}
                data-testid="handover-verdict"
                sx={{ mb: 0.5, ...(v.superseded ? { color: 'text.secondary' } : {}) }}
              >
                <b>{v.verdict}</b> by {v.by} · {v.cry}
                {v.note ? `: “${v.note}”` : ''}
                {v.superseded ? ' (replaced by a later verdict)' : ''}
                <Button
                  className="iclas-no-print"
                  size="small"
                  sx={{ ml: 1, py: 0 }}
                  onClick={() => go(`cry/${v.cryId}`)}
                >
                  Open cry
                </Button>
              </Typography>
            ))}
          </Box>
        </Box>
      )}
    </Paper>
  )
}

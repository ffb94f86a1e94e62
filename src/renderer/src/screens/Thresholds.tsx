// Thresholds and models (researchers): the gate threshold, the flag percentile, the model kind and its
// parameters, the baseline, replay and control-chart settings, for the ward or one infant. While sliders move,
// a debounced preview says what would change (flags gained and lost, gate decisions, whether models must be
// refitted) and draws it on an infant's timeline; applying asks for a reason, the core writes the audit entry,
// and the entry is shown here. With one infant chosen, its model versions can be restored or refitted.
import { useMemo, useState } from 'react'
import {
  Alert,
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableRow,
  TextField,
  Typography,
} from '@mui/material'
import {
  RESEARCH,
  type AnalysisSettings,
  type AuditEntry,
  type Infant,
  type SettingsPreview,
  type User,
} from '../../../shared/contract'
import { api } from '../api/client'
import { InfantSelect } from '../components/Filters'
import { InfantTimeline } from '../components/InfantTimeline'
import { ModelVersions } from '../components/ModelVersions'
import { SettingsForm } from '../components/SettingsForm'
import { LoadState } from '../components/States'
import { formatTime } from '../view-model/format'
import { useDebounced, useLoad } from '../api/hooks'
import { draftProblem, formatSetting, settingLabel, settingsChanges } from '../view-model/settings-fields'

const infantName = (infants: Infant[] | undefined, id: number) => {
  const i = infants?.find((x) => x.id === id)
  return i ? `${i.bed ? `Bed ${i.bed} · ` : ''}${i.label}` : `infant ${id}`
}

export function ThresholdsScreen({ user, go }: { user: User; go: (p: string) => void }) {
  const canChange = RESEARCH.includes(user.role)
  const infants = useLoad(() => api.listInfants({}), [], ['infants'])
  const [scope, setScope] = useState<number | ''>('')
  const infantId = scope === '' ? undefined : scope
  const view = useLoad(
    () => api.getSettings(infantId !== undefined ? { infantId } : {}),
    [scope],
    ['settings'],
  )
  // The draft belongs to the scope it was made in.
  const [drafted, setDraft] = useState<{ scope: number | ''; values: Partial<AnalysisSettings> }>({
    scope: '',
    values: {},
  })
  const draft = useMemo(() => (drafted.scope === scope ? drafted.values : {}), [drafted, scope])
  const effective = view.data?.effective
  const changes = useMemo(() => (effective ? settingsChanges(effective, draft) : {}), [effective, draft])
  const changeKey = JSON.stringify(changes)
  const problem = effective ? draftProblem(effective, draft) : null
  const settledKey = useDebounced(changeKey, 300)
  const settled = settledKey === changeKey
  const preview = useLoad<SettingsPreview | null>(
    () =>
      settledKey !== '{}' && !problem
        ? api.previewSettings({
            ...(infantId !== undefined ? { infantId } : {}),
            changes: JSON.parse(settledKey),
          })
        : Promise.resolve(null),
    [scope, settledKey, problem],
  )
  const [shownOn, setShownOn] = useState<number | ''>('')
  const busiest = preview.data?.perInfant.reduce<{ infantId: number; n: number } | null>(
    (best, p) =>
      !best || p.flagsGained + p.flagsLost > best.n
        ? { infantId: p.infantId, n: p.flagsGained + p.flagsLost }
        : best,
    null,
  )
  const timelineInfant =
    infantId ?? (shownOn !== '' ? shownOn : (busiest?.infantId ?? infants.data?.[0]?.id ?? null))
  const highlight = useMemo(
    () =>
      preview.data
        ? {
            gained: new Set(preview.data.gainedCryIds),
            lost: new Set(preview.data.lostCryIds),
            flagPercentile: changes.flagPercentile,
          }
        : null,
    [preview.data, changes.flagPercentile],
  )
  const keepIds = useMemo(
    () => (preview.data ? [...preview.data.gainedCryIds, ...preview.data.lostCryIds] : undefined),
    [preview.data],
  )

  const [applying, setApplying] = useState(false)
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [applied, setApplied] = useState<AuditEntry | null>(null)
  const apply = async () => {
    setError(null)
    try {
      await api.applySettings({
        ...(infantId !== undefined ? { infantId } : {}),
        changes,
        reason: reason.trim(),
      })
      const { entries } = await api.listAudit({ filter: { action: 'settings.change' }, limit: 1 })
      setApplied(entries[0] ?? null)
      setDraft({ scope, values: {} })
      setApplying(false)
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const clearOverrides = async () => {
    if (infantId === undefined) return
    setError(null)
    try {
      await api.clearInfantSettings({ infantId })
      const { entries } = await api.listAudit({ filter: { action: 'settings.clear' }, limit: 1 })
      setApplied(entries[0] ?? null)
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const overrides = Object.keys(view.data?.infant ?? {})
  const nChanges = Object.keys(changes).length

  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <Typography variant="h5" component="h2" sx={{ flex: 1 }}>
          Thresholds and models
        </Typography>
        <InfantSelect
          infants={infants.data}
          value={scope}
          onChange={(v) => {
            setScope(v)
            setApplied(null)
          }}
          allLabel="Ward (every infant)"
          label="Settings for"
        />
        {infantId !== undefined && overrides.length > 0 && (
          <Chip
            color="info"
            label={`own settings: ${overrides.map(settingLabel).join(', ')}`}
            onDelete={canChange ? () => void clearOverrides() : undefined}
            deleteIcon={canChange ? <span aria-label="use the ward's settings">×</span> : undefined}
          />
        )}
      </Stack>
      {!canChange && (
        <Alert severity="info">Only researchers and administrators change these settings.</Alert>
      )}
      {error && <Alert severity="error">{error}</Alert>}
      {applied && <AppliedEntry entry={applied} infants={infants.data} go={go} />}
      <LoadState loading={view.loading && !view.data} error={view.error}>
        {effective && (
          <Box
            sx={{
              display: 'grid',
              gridTemplateColumns: { xs: '1fr', lg: '440px 1fr' },
              gap: 2,
              alignItems: 'start',
            }}
          >
            <SettingsForm
              effective={effective}
              draft={draft}
              disabled={!canChange}
              onChange={(c) => setDraft({ scope, values: { ...draft, ...c } })}
            />
            <Stack spacing={2} sx={{ minWidth: 0 }}>
              <Paper sx={{ p: 2 }} component="section" aria-label="Preview">
                <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 1 }}>
                  <Typography variant="h6" component="h3" sx={{ flex: 1 }}>
                    Preview{' '}
                    {infantId === undefined ? '(every infant)' : `(${infantName(infants.data, infantId)})`}
                  </Typography>
                  <Button onClick={() => setDraft({ scope, values: {} })} disabled={!nChanges || !canChange}>
                    Discard
                  </Button>
                  <Button
                    variant="contained"
                    disabled={!nChanges || !!problem || !canChange}
                    onClick={() => {
                      setReason('')
                      setApplying(true)
                    }}
                  >
                    Apply…
                  </Button>
                </Stack>
                {problem && <Alert severity="warning">{problem}</Alert>}
                <PreviewSummary
                  changes={nChanges}
                  preview={preview.data ?? null}
                  computing={!settled || preview.loading}
                  error={preview.error}
                  infants={infants.data}
                />
              </Paper>
              {timelineInfant !== null && (
                <Paper sx={{ p: 2 }} component="section" aria-label="Preview on the timeline">
                  <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 1 }}>
                    <Typography variant="subtitle1" sx={{ flex: 1, fontWeight: 600 }}>
                      On the timeline of {infantName(infants.data, timelineInfant)}
                    </Typography>
                    {infantId === undefined && (
                      <InfantSelect
                        infants={infants.data}
                        value={shownOn}
                        onChange={setShownOn}
                        allLabel="Most changes"
                        label="Show"
                      />
                    )}
                  </Stack>
                  <InfantTimeline
                    infantId={timelineInfant}
                    preview={highlight}
                    keepCryIds={keepIds}
                    onOpenCry={(cryId) => go(`cry/${cryId}`)}
                  />
                </Paper>
              )}
              {infantId !== undefined && (
                <Paper sx={{ p: 2 }} component="section" aria-label="Model versions">
                  <ModelVersions infantId={infantId} canChange={canChange} />
                </Paper>
              )}
            </Stack>
          </Box>
        )}
      </LoadState>
      <Dialog open={applying} onClose={() => setApplying(false)} fullWidth maxWidth="sm">
        <DialogTitle>Apply {nChanges === 1 ? 'this change' : `these ${nChanges} changes`}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <Table size="small" aria-label="changes to apply">
              <TableBody>
                {Object.entries(changes).map(([k, v]) => (
                  <TableRow key={k}>
                    <TableCell>{settingLabel(k)}</TableCell>
                    <TableCell>
                      {formatSetting(k, effective?.[k as keyof AnalysisSettings])} → {formatSetting(k, v)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Typography variant="body2" color="text.secondary">
              {infantId === undefined
                ? 'For every infant (infants with their own value keep it).'
                : `For ${infantName(infants.data, infantId)} only.`}{' '}
              {preview.data?.needsRefit ? 'Affected infants’ models are refitted in the background.' : ''}
              The change is written to the audit log with your name and the reason.
            </Typography>
            {error && <Alert severity="error">{error}</Alert>}
            <TextField
              label="Reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              autoFocus
              required
            />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setApplying(false)}>Cancel</Button>
          <Button variant="contained" onClick={() => void apply()} disabled={reason.trim().length < 3}>
            Apply
          </Button>
        </DialogActions>
      </Dialog>
    </Stack>
  )
}

function PreviewSummary(props: {
  changes: number
  preview: SettingsPreview | null
  computing: boolean
  error?: Error
  infants: Infant[] | undefined
}) {
  const p = props.preview
  if (!props.changes)
    return (
      <Typography color="text.secondary" data-testid="preview-summary" data-state="idle">
        Move a slider to see what would change before applying it.
      </Typography>
    )
  if (props.error) return <Alert severity="error">{props.error.message}</Alert>
  if (!p || props.computing)
    return (
      <Typography color="text.secondary" data-testid="preview-summary" data-state="computing">
        Working out what would change…
      </Typography>
    )
  return (
    <Stack spacing={1} data-testid="preview-summary" data-state="ready">
      <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
        <Chip
          color={p.flagsGained ? 'error' : 'default'}
          label={`${p.flagsGained} flags gained`}
          data-testid="flags-gained"
        />
        <Chip
          color={p.flagsLost ? 'info' : 'default'}
          label={`${p.flagsLost} flags lost`}
          data-testid="flags-lost"
        />
        <Chip label={`${p.gateChanged} gate decisions change`} data-testid="gate-changed" />
        {p.needsRefit && <Chip color="warning" label="models will be refitted" data-testid="needs-refit" />}
      </Stack>
      {p.needsRefit && (
        <Typography variant="body2" color="text.secondary">
          The model changes: the preview shows the threshold effects on today’s scores only; scores change
          after the refit.
        </Typography>
      )}
      {p.perInfant.length > 0 && (
        <Table size="small" aria-label="changes per infant">
          <TableBody>
            {p.perInfant.map((x) => (
              <TableRow key={x.infantId}>
                <TableCell>{infantName(props.infants, x.infantId)}</TableCell>
                <TableCell align="right">+{x.flagsGained}</TableCell>
                <TableCell align="right">−{x.flagsLost}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Stack>
  )
}

/** The audit entry a change wrote: who, when, what changed from what, and why. */
function AppliedEntry(props: { entry: AuditEntry; infants: Infant[] | undefined; go: (p: string) => void }) {
  const e = props.entry
  const before = (e.before ?? {}) as Record<string, unknown>
  const after = (e.after ?? {}) as Record<string, unknown>
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => k !== 'reason' && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  )
  return (
    <Alert
      severity="success"
      data-testid="applied-entry"
      action={
        <Button color="inherit" onClick={() => props.go(`audit?action=${encodeURIComponent(e.action)}`)}>
          Audit log
        </Button>
      }
    >
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        Audit entry #{e.id}: {e.username} ({e.role}) {e.action === 'settings.clear' ? 'cleared' : 'changed'}{' '}
        {e.entity === 'infant'
          ? `the settings of ${infantName(props.infants, Number(e.entityId))}`
          : 'the ward settings'}
        , {formatTime(e.at, { seconds: true })}
      </Typography>
      {keys.map((k) => (
        <Typography key={k} variant="body2">
          {settingLabel(k)}: {k in before ? formatSetting(k, before[k]) : 'ward value'} →{' '}
          {k in after ? formatSetting(k, after[k]) : 'ward value'}
        </Typography>
      ))}
      {typeof after.reason === 'string' && <Typography variant="body2">Reason: {after.reason}</Typography>}
    </Alert>
  )
}

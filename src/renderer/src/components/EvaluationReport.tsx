// An evaluation run's report, read from the protocol's JSON (the same document `iclas eval <protocol> --json`
// writes): the protocol's table, its ROC curves where it has them (B: clips, C: same-platform trials per
// backbone, D: each infant's test recordings), and the command's printed tables as they came.
import { useMemo, useState } from 'react'
import {
  Box,
  Collapse,
  Button,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
  useTheme,
} from '@mui/material'
import type { EvaluationRun } from '../../../shared/contract'
import { Chart, type ChartOption } from './Chart'

type Roc = { fpr: number; tpr: number }[]
type Row = Record<string, unknown>

const num = (v: unknown, d = 3) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '—')
const pct = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : '—')
const pm = (m: Row | undefined, s: Row | undefined, k: string) => `${num(m?.[k])} ± ${num(s?.[k])}`

function SimpleTable(props: { label: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          {props.head.map((h, i) => (
            <TableCell key={h} align={i ? 'right' : 'left'}>
              {h}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rows.map((r, i) => (
          <TableRow key={i}>
            {r.map((c, j) => (
              <TableCell key={j} align={j ? 'right' : 'left'}>
                {c}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  )
}

export function RocChart(props: { curves: { name: string; roc: Roc }[]; label: string }) {
  const theme = useTheme()
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      grid: { left: 56, right: 16, top: 16, bottom: 72 },
      tooltip: { trigger: 'item' },
      legend:
        props.curves.length <= 8
          ? { bottom: 0, textStyle: { color: theme.palette.text.secondary } }
          : undefined,
      xAxis: {
        type: 'value',
        min: 0,
        max: 1,
        name: 'false-positive rate',
        nameLocation: 'middle',
        nameGap: 26,
        axisLabel: { color: theme.palette.text.secondary },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 1,
        name: 'true-positive rate',
        nameLocation: 'middle',
        nameGap: 38,
        axisLabel: { color: theme.palette.text.secondary },
      },
      series: [
        {
          type: 'line',
          name: 'chance',
          data: [
            [0, 0],
            [1, 1],
          ],
          showSymbol: false,
          lineStyle: { type: 'dashed', color: theme.palette.text.disabled, width: 1 },
          tooltip: { show: false },
        },
        ...props.curves.map((c) => ({
          type: 'line',
          name: c.name,
          data: c.roc.map((p) => [p.fpr, p.tpr]),
          showSymbol: false,
          step: false,
          lineStyle: { width: props.curves.length > 8 ? 1 : 2 },
        })),
      ],
    }),
    [props.curves, theme],
  )
  return <Chart option={option} label={props.label} testId="roc-chart" sx={{ width: '100%', height: 320 }} />
}

function Segmentation({ r }: { r: Row }) {
  const row = (name: string, s: Row) => [
    name,
    Number(s.clips),
    num(s.frame_f1),
    num(s.frame_precision),
    num(s.frame_recall),
    num(s.event_f1),
    num(s.event_precision),
    num(s.event_recall),
  ]
  const subsets = Object.entries((r.subsets ?? {}) as Record<string, Row>)
  const det = Object.entries((r.detections_by_label ?? {}) as Record<string, Row>)
  return (
    <Stack spacing={2}>
      <SimpleTable
        label="segmentation scores"
        head={['subset', 'clips', 'frame F1', 'precision', 'recall', 'event F1', 'precision', 'recall']}
        rows={[row('all', r), ...subsets.map(([k, s]) => row(k, s))]}
      />
      {det.length > 0 && (
        <SimpleTable
          label="detections on clips without TextGrids"
          head={['label (no TextGrids)', 'clips', 'with cries found', 'cry time']}
          rows={det.map(([k, v]) => [k, Number(v.clips), pct(v.clips_with_cries), pct(v.cry_time)])}
        />
      )}
    </Stack>
  )
}

function Gate({ r }: { r: Row }) {
  const none = (r.clips_without_cries ?? {}) as Row
  return (
    <Stack spacing={2}>
      <SimpleTable
        label="gate figures"
        head={[
          'method',
          'ROC AUC',
          'recall at 5 % FPR',
          'positives',
          'negatives',
          'no cry found (pos / neg)',
        ]}
        rows={[
          [
            String(r.method),
            num(r.auc, 4),
            num(r.recall_at_5pct_fpr, 4),
            Number(r.positives),
            Number(r.negatives),
            `${Number(none.positives ?? 0)} / ${Number(none.negatives ?? 0)}`,
          ],
        ]}
      />
      {Array.isArray(r.roc) && (
        <RocChart label="ROC of the gate" curves={[{ name: 'gate', roc: r.roc as Roc }]} />
      )}
    </Stack>
  )
}

function Verification({ r }: { r: Row }) {
  const results = (Array.isArray(r.backbones) ? r.backbones : [r]) as Row[]
  const cvFolds = Number(r.cv_folds ?? 0)
  const cv = (b: Row) => {
    const c = b.cv as Row | undefined
    return c && typeof c.eer_mean === 'number'
      ? `${pct(c.eer_mean)} ± ${typeof c.eer_sd === 'number' ? (100 * c.eer_sd).toFixed(1) : '—'}`
      : '—'
  }
  return (
    <Stack spacing={2}>
      <Typography variant="body2" color="text.secondary">
        {Number(r.infants)} infants ({String(r.selection ?? '')}); same-platform trials, minDCF at p_target
        0.05; the EER&apos;s 95 % interval by bootstrap over infants. Scores: {String(r.scoring ?? 'cosine')}.
        {cvFolds > 0 &&
          ` Cross-validation: the infants dealt into ${cvFolds} folds, grouped by infant; mean ± sd of the folds' EERs.`}
      </Typography>
      <SimpleTable
        label="verification figures"
        head={[
          'backbone',
          'EER',
          '95 % (infants)',
          'EER all pairs',
          'minDCF',
          'target trials',
          'non-target trials',
          ...(cvFolds > 0 ? [`CV EER (${cvFolds} folds)`] : []),
        ]}
        rows={results.map((b) => [
          String(b.backbone),
          pct(b.eer),
          Array.isArray(b.eer_ci95) ? `${pct(b.eer_ci95[0])} – ${pct(b.eer_ci95[1])}` : '—',
          pct(b.eer_all_pairs),
          num(b.min_dcf),
          Number(b.target_trials),
          Number(b.nontarget_trials),
          ...(cvFolds > 0 ? [cv(b)] : []),
        ])}
      />
      {results.some((b) => Array.isArray(b.roc)) && (
        <RocChart
          label="ROC of same-platform verification trials"
          curves={results
            .filter((b) => Array.isArray(b.roc))
            .map((b) => ({ name: String(b.backbone), roc: b.roc as Roc }))}
        />
      )}
    </Stack>
  )
}

function Anomaly({ r }: { r: Row }) {
  const results = (Array.isArray(r.results) ? r.results : [r]) as Row[]
  const [pick, setPick] = useState(0)
  const chosen = results[Math.min(pick, results.length - 1)]
  const infants = (chosen?.infants ?? []) as Row[]
  return (
    <Stack spacing={2}>
      <SimpleTable
        label="anomaly summary"
        head={['model', 'backbone', 'AUC', 'AP', 'F1', 'recall', 'FPR']}
        rows={results.map((x) => {
          const m = x.mean as Row | undefined
          const s = x.sd as Row | undefined
          return [
            String(x.model),
            String(x.backbone),
            pm(m, s, 'auc'),
            pm(m, s, 'ap'),
            pm(m, s, 'f1'),
            pm(m, s, 'recall'),
            pm(m, s, 'fpr'),
          ]
        })}
      />
      {results.length > 1 && (
        <TextField
          select
          size="small"
          label="Per-infant table of"
          value={pick}
          onChange={(e) => setPick(Number(e.target.value))}
          sx={{ maxWidth: 320 }}
        >
          {results.map((x, i) => (
            <MenuItem key={i} value={i}>
              {String(x.model)} on {String(x.backbone)}
            </MenuItem>
          ))}
        </TextField>
      )}
      <SimpleTable
        label="per-infant anomaly table"
        head={['Infant', 'N_recs', 'AUC', 'AP', 'F1', 'Recall', 'FPR']}
        rows={infants.map((x) => [
          String(x.infant),
          Number(x.n_recs),
          num(x.auc),
          num(x.ap),
          num(x.f1),
          num(x.recall),
          num(x.fpr),
        ])}
      />
      {infants.some((x) => Array.isArray(x.roc)) && (
        <RocChart
          label="ROC of each infant's test recordings"
          curves={infants
            .filter((x) => Array.isArray(x.roc))
            .map((x) => ({ name: String(x.infant), roc: x.roc as Roc }))}
        />
      )}
    </Stack>
  )
}

function Drift({ r }: { r: Row }) {
  const scenarios = Object.entries((r.scenarios ?? {}) as Record<string, Row>)
  const rows = scenarios.flatMap(([name, s]) =>
    (['gated', 'always', 'never'] as const).map((p) => {
      const x = ((s.policies ?? {}) as Record<string, Row>)[p] ?? {}
      return [
        `${name} · ${p}`,
        num(x.detected, 2),
        num(x.detected_within_24h, 2),
        num(x.median_delay_hours, 1),
        num(x.median_delay_cries, 0),
        num(x.false_alerts_per_infant_day, 3),
        num(x.contamination, 2),
      ]
    }),
  )
  return (
    <SimpleTable
      label="drift figures"
      head={[
        'scenario · policy',
        'detected',
        '≤ 24 h',
        'median delay (h)',
        '(cries)',
        'false alerts / infant-day',
        'contamination',
      ]}
      rows={rows}
    />
  )
}

export function EvaluationReport({ run }: { run: EvaluationRun }) {
  const [raw, setRaw] = useState(false)
  const r = (run.report ?? {}) as Row
  return (
    <Stack spacing={2} data-testid="evaluation-report" data-protocol={run.protocol}>
      {run.protocol === 'segmentation' && <Segmentation r={r} />}
      {run.protocol === 'gate' && <Gate r={r} />}
      {run.protocol === 'verification' && <Verification r={r} />}
      {run.protocol === 'anomaly' && <Anomaly r={r} />}
      {run.protocol === 'drift' && <Drift r={r} />}
      {run.text && (
        <Box>
          <Button size="small" onClick={() => setRaw(!raw)} aria-expanded={raw}>
            {raw ? 'Hide' : 'Show'} the command’s output
          </Button>
          <Collapse in={raw}>
            <Box
              component="pre"
              sx={{ fontSize: 12, overflowX: 'auto', bgcolor: 'action.hover', p: 1.5, borderRadius: 1 }}
            >
              {run.text}
            </Box>
          </Collapse>
        </Box>
      )}
    </Stack>
  )
}

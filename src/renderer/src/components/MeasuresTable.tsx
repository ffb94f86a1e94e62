// A cry's acoustic measures against the infant's own baseline range (5th–95th percentile, median), with a bar
// per measure showing where the cry falls, and a plain word when it falls outside.
import { Box, Chip, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material'
import type { BaselineRanges, CryMeasures, MeasureName, MeasureRange } from '../../../shared/contract'
import { formatMeasure } from '../view-model/format'

const ROWS: { measure: MeasureName; label: string; unit: string; digits: number; scale?: number }[] = [
  { measure: 'durationS', label: 'Duration', unit: 's', digits: 2 },
  { measure: 'f0MeanHz', label: 'f0 mean', unit: 'Hz', digits: 0 },
  { measure: 'f0MinHz', label: 'f0 min', unit: 'Hz', digits: 0 },
  { measure: 'f0MaxHz', label: 'f0 max', unit: 'Hz', digits: 0 },
  { measure: 'voicedFraction', label: 'Voiced', unit: '%', digits: 0, scale: 100 },
  { measure: 'hnrDb', label: 'HNR', unit: 'dB', digits: 1 },
  { measure: 'spectralCentroidHz', label: 'Spectral centroid', unit: 'Hz', digits: 0 },
  { measure: 'rmsDbfs', label: 'Level (RMS)', unit: 'dBFS', digits: 1 },
]

export function baselineCaption(b: BaselineRanges | undefined): string {
  if (!b) return 'Baseline: loading…'
  if (b.source === 'baseline') return `Baseline: ${b.cryCount} cries in this infant's baseline`
  if (b.source === 'unflagged')
    return `No baseline yet: range of this infant's ${b.cryCount} cries that were not flagged`
  return 'No baseline yet: this infant has no other cries'
}

export function MeasuresTable({ measures, baseline }: { measures: CryMeasures; baseline?: BaselineRanges }) {
  const ranges = new Map<MeasureName, MeasureRange>((baseline?.ranges ?? []).map((r) => [r.measure, r]))
  return (
    <Box>
      <Table size="small" aria-label="acoustic measures">
        <TableHead>
          <TableRow>
            <TableCell>Measure</TableCell>
            <TableCell align="right">This cry</TableCell>
            <TableCell align="right">Baseline 5–95 % (median)</TableCell>
            <TableCell sx={{ width: 180 }}>Where it falls</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {ROWS.map((row) => {
            const k = row.scale ?? 1
            const raw = measures[row.measure]
            const v = raw === null ? null : raw * k
            const r = ranges.get(row.measure)
            const p5 = r?.p5 == null ? null : r.p5 * k
            const p50 = r?.p50 == null ? null : r.p50 * k
            const p95 = r?.p95 == null ? null : r.p95 * k
            const where =
              v === null || p5 === null || p95 === null
                ? null
                : v < p5
                  ? 'below'
                  : v > p95
                    ? 'above'
                    : 'within'
            return (
              <TableRow key={row.measure}>
                <TableCell component="th" scope="row">
                  {row.label}
                </TableCell>
                <TableCell align="right" sx={{ fontWeight: 600 }}>
                  {formatMeasure(v, row.unit, row.digits)}
                </TableCell>
                <TableCell align="right">
                  {p5 === null || p95 === null
                    ? '—'
                    : `${formatMeasure(p5, '', row.digits)} to ${formatMeasure(p95, row.unit, row.digits)} (${formatMeasure(p50, '', row.digits)})`}
                </TableCell>
                <TableCell>
                  {where ? (
                    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                      <RangeBar value={v!} p5={p5!} p95={p95!} outside={where !== 'within'} />
                      {where !== 'within' && <Chip size="small" color="warning" label={where} />}
                    </Box>
                  ) : (
                    '—'
                  )}
                </TableCell>
              </TableRow>
            )
          })}
        </TableBody>
      </Table>
      <Typography variant="body2" color="text.secondary" sx={{ px: 2, py: 1 }} data-testid="baseline-source">
        {baselineCaption(baseline)}
      </Typography>
    </Box>
  )
}

/** The baseline's 5–95 % band and a tick for this cry, on a scale that fits both. */
function RangeBar({ value, p5, p95, outside }: { value: number; p5: number; p95: number; outside: boolean }) {
  const lo = Math.min(value, p5)
  const hi = Math.max(value, p95)
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.15
  const x = (v: number) => `${((v - (lo - pad)) / (hi - lo + 2 * pad)) * 100}%`
  return (
    <Box sx={{ position: 'relative', width: 110, height: 14 }} aria-hidden>
      <Box sx={{ position: 'absolute', top: 6, left: 0, right: 0, height: 2, bgcolor: 'divider' }} />
      <Box
        sx={{
          position: 'absolute',
          top: 3,
          height: 8,
          left: x(p5),
          width: `calc(${x(p95)} - ${x(p5)})`,
          bgcolor: 'primary.main',
          opacity: 0.35,
          borderRadius: 1,
        }}
      />
      <Box
        sx={{
          position: 'absolute',
          top: 0,
          height: 14,
          width: 3,
          left: x(value),
          bgcolor: outside ? 'warning.main' : 'text.primary',
        }}
      />
    </Box>
  )
}

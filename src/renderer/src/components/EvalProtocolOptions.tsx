// The options of each evaluation protocol, as the command takes them (method, backbones, models, percentile).
import { Checkbox, FormControlLabel, FormGroup, MenuItem, Stack, TextField } from '@mui/material'
import type { EvalOptions } from '../../../shared/contract'

export function EvalProtocolOptions(props: {
  opt: EvalOptions
  setOpt: (o: Partial<EvalOptions>) => void
  backbones: string[]
}) {
  const { opt, setOpt } = props
  const backbonePicker = (value: string[], set: (v: string[]) => void) => (
    <TextField
      select
      label="Backbones"
      value={value}
      onChange={(e) => set(e.target.value as unknown as string[])}
      slotProps={{
        select: {
          multiple: true,
          displayEmpty: true,
          renderValue: (v) => ((v as string[]).length ? (v as string[]).join(', ') : 'the default'),
        },
        inputLabel: { shrink: true },
      }}
    >
      {props.backbones.map((b) => (
        <MenuItem key={b} value={b}>
          {b}
        </MenuItem>
      ))}
    </TextField>
  )
  switch (opt.protocol) {
    case 'segmentation':
      return (
        <Stack spacing={1.5}>
          <TextField
            select
            label="Method"
            value={opt.method}
            onChange={(e) => setOpt({ method: e.target.value as 'cry' })}
          >
            <MenuItem value="cry">the workstation’s segmenter</MenuItem>
            <MenuItem value="rules">the segmenter without its learned detector (rule-based)</MenuItem>
            <MenuItem value="energy">energy threshold (for scale)</MenuItem>
          </TextField>
          <FormControlLabel
            control={
              <Checkbox checked={opt.negatives} onChange={(e) => setOpt({ negatives: e.target.checked })} />
            }
            label="Also count detections on clips without TextGrids"
          />
        </Stack>
      )
    case 'gate':
      return (
        <TextField
          select
          label="Method"
          value={opt.method}
          onChange={(e) => setOpt({ method: e.target.value as 'classifier' })}
        >
          <MenuItem value="classifier">the shipped cry classifier</MenuItem>
          <MenuItem value="autocorr">autocorrelation share (for scale)</MenuItem>
        </TextField>
      )
    case 'verification':
      return (
        <Stack spacing={1.5}>
          {backbonePicker(opt.backbones, (backbones) => setOpt({ backbones }))}
          <TextField
            select
            label="Cries from"
            value={opt.segments}
            onChange={(e) => setOpt({ segments: e.target.value as 'project' })}
          >
            <MenuItem value="project">the workstation’s segmenter</MenuItem>
            <MenuItem value="textgrid">hand-marked TextGrids</MenuItem>
          </TextField>
          <TextField
            select
            label="Trial scores"
            value={opt.scoreNorm}
            onChange={(e) => setOpt({ scoreNorm: e.target.value as 'none' })}
          >
            <MenuItem value="none">cosine</MenuItem>
            <MenuItem value="as-norm">AS-norm against infants outside the evaluation</MenuItem>
          </TextField>
          <TextField
            select
            label="Cross-validation folds"
            value={opt.cv ?? 0}
            onChange={(e) => setOpt({ cv: Number(e.target.value) || undefined })}
          >
            <MenuItem value={0}>none</MenuItem>
            <MenuItem value={5}>5 folds, grouped by infant</MenuItem>
            <MenuItem value={10}>10 folds, grouped by infant</MenuItem>
          </TextField>
        </Stack>
      )
    case 'anomaly':
      return (
        <Stack spacing={1.5}>
          <FormGroup row aria-label="models">
            {(['ae', 'ocsvm', 'gmm'] as const).map((m) => (
              <FormControlLabel
                key={m}
                control={
                  <Checkbox
                    checked={opt.models.includes(m)}
                    onChange={(e) =>
                      setOpt({
                        models: e.target.checked ? [...opt.models, m] : opt.models.filter((x) => x !== m),
                      })
                    }
                  />
                }
                label={m.toUpperCase()}
              />
            ))}
          </FormGroup>
          {backbonePicker(opt.backbones, (backbones) => setOpt({ backbones }))}
          <TextField
            type="number"
            label="Threshold percentile"
            value={opt.percentile}
            onChange={(e) =>
              setOpt({ percentile: Math.min(99.9, Math.max(1, Number(e.target.value) || 95)) })
            }
          />
        </Stack>
      )
    case 'drift':
      return (
        <Stack spacing={1.5}>
          <TextField
            select
            label="Model"
            value={opt.model}
            onChange={(e) => setOpt({ model: e.target.value as 'gmm' })}
          >
            {(['ae', 'ocsvm', 'gmm'] as const).map((m) => (
              <MenuItem key={m} value={m}>
                {m.toUpperCase()}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            select
            label="Backbone"
            value={opt.backbone}
            onChange={(e) => setOpt({ backbone: e.target.value })}
          >
            {['default', ...props.backbones].map((b) => (
              <MenuItem key={b} value={b}>
                {b}
              </MenuItem>
            ))}
          </TextField>
        </Stack>
      )
  }
}

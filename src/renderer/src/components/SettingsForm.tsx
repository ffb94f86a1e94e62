// The analysis settings as sliders with exact number fields beside them (both reachable by keyboard), grouped
// by stage; a changed value shows what it was.
import { useState } from 'react'
import {
  Box,
  MenuItem,
  Paper,
  Slider,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from '@mui/material'
import type { AnalysisSettings, FeatureSet, PersonalKind } from '../../../shared/contract'
import {
  COMPUTE_PROVIDERS,
  MODEL_KINDS,
  FEATURE_SETS,
  SETTINGS_GROUPS,
  type NumericField,
} from '../view-model/settings-fields'

/** A number typed exactly: committed on Enter or when the field is left, clamped to the field's range. */
function NumberField(props: { field: NumericField; value: number; onCommit: (v: number) => void }) {
  const { field } = props
  const [text, setText] = useState<string | null>(null)
  const commit = () => {
    if (text === null) return
    const v = Number(text)
    if (text.trim() !== '' && Number.isFinite(v)) {
      const clamped = Math.min(field.max, Math.max(field.min, v))
      props.onCommit(field.step >= 1 ? Math.round(clamped) : clamped)
    }
    setText(null)
  }
  return (
    <TextField
      size="small"
      type="number"
      value={text ?? String(props.value)}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
      slotProps={{
        htmlInput: { 'aria-label': `${field.label} value`, min: field.min, max: field.max, step: field.step },
      }}
      sx={{ width: 110 }}
    />
  )
}

export function SettingsForm(props: {
  effective: AnalysisSettings
  draft: Partial<AnalysisSettings>
  onChange: (changes: Partial<AnalysisSettings>) => void
  disabled?: boolean
}) {
  const value = { ...props.effective, ...props.draft }
  const kind: PersonalKind = value.modelKind
  return (
    <Stack spacing={2}>
      <Paper sx={{ p: 2 }} component="section" aria-label="Model kind">
        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
          Model kind
        </Typography>
        <ToggleButtonGroup
          exclusive
          value={kind}
          onChange={(_e, v: PersonalKind | null) => v && props.onChange({ modelKind: v })}
          disabled={props.disabled}
          aria-label="model kind"
          size="small"
        >
          {MODEL_KINDS.map((m) => (
            <ToggleButton key={m.kind} value={m.kind}>
              {m.label}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        {kind !== props.effective.modelKind && (
          <Typography variant="caption" color="warning.main" sx={{ display: 'block', mt: 0.5 }}>
            was {MODEL_KINDS.find((m) => m.kind === props.effective.modelKind)?.label}
          </Typography>
        )}
        <TextField
          select
          size="small"
          label="Model inputs"
          value={value.featureSet}
          onChange={(e) => props.onChange({ featureSet: e.target.value as FeatureSet })}
          disabled={props.disabled}
          sx={{ mt: 2, minWidth: 260 }}
          helperText={
            value.featureSet !== props.effective.featureSet
              ? `was ${FEATURE_SETS.find((f) => f.value === props.effective.featureSet)?.label}`
              : 'Measures: f0, voicing, HNR, expiration, level, spectrum, against this infant’s baseline'
          }
        >
          {FEATURE_SETS.map((f) => (
            <MenuItem key={f.value} value={f.value}>
              {f.label}
            </MenuItem>
          ))}
        </TextField>
      </Paper>
      <Paper sx={{ p: 2 }} component="section" aria-label="Embedding">
        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
          Embedding (stage 1)
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          Where cry embeddings are computed; a GPU provider is checked against the CPU before it is trusted.
        </Typography>
        <TextField
          select
          size="small"
          label="Compute device"
          value={value.computeProvider}
          onChange={(e) =>
            props.onChange({ computeProvider: e.target.value as AnalysisSettings['computeProvider'] })
          }
          disabled={props.disabled}
          fullWidth
          helperText={
            value.computeProvider !== props.effective.computeProvider
              ? `was ${COMPUTE_PROVIDERS.find((c) => c.value === props.effective.computeProvider)?.label}`
              : undefined
          }
        >
          {COMPUTE_PROVIDERS.map((c) => (
            <MenuItem key={c.value} value={c.value}>
              {c.label}
            </MenuItem>
          ))}
        </TextField>
      </Paper>
      {SETTINGS_GROUPS.map((g) => {
        const fields = g.fields.filter((f) => !f.kind || f.kind === kind)
        if (!fields.length) return null
        return (
          <Paper key={g.title} sx={{ p: 2 }} component="section" aria-label={g.title}>
            <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
              {g.title}
            </Typography>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
              {g.help}
            </Typography>
            <Stack spacing={1.5}>
              {fields.map((f) => {
                const v = value[f.key]
                const was = props.effective[f.key]
                const changed = Math.abs(v - was) > 1e-9
                return (
                  <Box key={f.key}>
                    <Stack direction="row" sx={{ alignItems: 'baseline', justifyContent: 'space-between' }}>
                      <Tooltip title={f.help} placement="top-start">
                        <Typography variant="body2" sx={{ fontWeight: 500 }}>
                          {f.label}
                        </Typography>
                      </Tooltip>
                      <Typography
                        variant="body2"
                        color={changed ? 'warning.main' : 'text.secondary'}
                        data-testid={`setting-${f.key}`}
                      >
                        {f.format(v)}
                        {changed ? ` (was ${f.format(was)})` : ''}
                      </Typography>
                    </Stack>
                    <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
                      <Slider
                        value={v}
                        min={f.min}
                        max={f.max}
                        step={f.step}
                        disabled={props.disabled}
                        onChange={(_e, n) => props.onChange({ [f.key]: n as number })}
                        getAriaValueText={(n) => f.format(n)}
                        slotProps={{ input: { 'aria-label': f.label } }}
                        sx={{ flex: 1 }}
                      />
                      <NumberField field={f} value={v} onCommit={(n) => props.onChange({ [f.key]: n })} />
                    </Stack>
                  </Box>
                )
              })}
            </Stack>
          </Paper>
        )
      })}
    </Stack>
  )
}

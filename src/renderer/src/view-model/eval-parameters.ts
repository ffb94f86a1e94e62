// An evaluation run's parameters as rows of a table (name, value, what it means), in the words of the form
// that chose them (EvalProtocolOptions), instead of the options' raw JSON. Options the form does not know
// (a run of a newer or older version) still get a row, named after their key.
import type { EvalDataset, EvaluationRun } from '../../../shared/contract'
import { formatDuration, formatTime } from './format'

export interface ParameterRow {
  name: string
  value: string
}

const METHOD: Record<string, string> = {
  cry: 'the workstation’s segmenter',
  rules: 'the segmenter without its learned detector (rule-based)',
  energy: 'energy threshold (for scale)',
  classifier: 'the shipped cry classifier',
  autocorr: 'autocorrelation share (for scale)',
}
const SEGMENTS: Record<string, string> = {
  project: 'the workstation’s segmenter',
  textgrid: 'hand-marked TextGrids',
}
const MODEL: Record<string, string> = {
  ae: 'AE (autoencoder)',
  ocsvm: 'OCSVM (one-class SVM)',
  gmm: 'GMM (Gaussian mixture)',
  gauss: 'Gaussian (shrinkage)',
}

const NAMES: Record<string, string> = {
  method: 'Method',
  negatives: 'Also count detections on clips without TextGrids',
  backbones: 'Backbones',
  backbone: 'Backbone',
  segments: 'Cries from',
  splitSeed: 'Split seed',
  scoreNorm: 'Trial scores',
  cv: 'Cross-validation folds',
  models: 'Models',
  model: 'Model',
  percentile: 'Threshold percentile',
  seed: 'Seed',
}
/** The form's order; unknown keys follow in their own order. */
const ORDER = Object.keys(NAMES)

function plain(v: unknown): string {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (Array.isArray(v)) return v.length ? v.map(plain).join(', ') : '—'
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

function optionValue(key: string, v: unknown): string {
  switch (key) {
    case 'method':
      return METHOD[String(v)] ?? plain(v)
    case 'segments':
      return SEGMENTS[String(v)] ?? plain(v)
    case 'model':
      return MODEL[String(v)] ?? plain(v)
    case 'models':
      return Array.isArray(v) ? v.map((m) => MODEL[String(m)] ?? plain(m)).join(', ') : plain(v)
    case 'backbones':
      return Array.isArray(v) && v.length === 0 ? 'the default backbone' : plain(v)
    case 'backbone':
      return v === 'default' ? 'the default backbone' : plain(v)
    case 'scoreNorm':
      return v === 'as-norm' ? 'AS-norm against infants outside the evaluation' : 'cosine'
    case 'percentile':
      return typeof v === 'number' ? `${v}th` : plain(v)
    default:
      return plain(v)
  }
}

/** "camelCase" → "Camel case", for options without a name of their own. */
const keyName = (k: string) => {
  const words = k.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

export function runParameters(
  run: Pick<EvaluationRun, 'protocol' | 'datasetIds' | 'options' | 'by' | 'startedAt' | 'finishedAt'>,
  datasets: readonly Pick<EvalDataset, 'id' | 'name'>[] = [],
): ParameterRow[] {
  const names = new Map(datasets.map((d) => [d.id, d.name]))
  const options = Object.entries(run.options).filter(([k]) => k !== 'protocol')
  options.sort(([a], [b]) => {
    const ia = ORDER.indexOf(a)
    const ib = ORDER.indexOf(b)
    return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib)
  })
  const took =
    run.finishedAt !== null
      ? formatDuration((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000)
      : null
  return [
    {
      name: run.datasetIds.length === 1 ? 'Dataset' : 'Datasets',
      value: run.datasetIds.map((id) => names.get(id) ?? id).join(', '),
    },
    ...options.map(([k, v]) => ({ name: NAMES[k] ?? keyName(k), value: optionValue(k, v) })),
    { name: 'Run by', value: run.by },
    {
      name: 'Started',
      value: `${formatTime(run.startedAt, { seconds: true })}${took ? ` · took ${took}` : ''}`,
    },
  ]
}

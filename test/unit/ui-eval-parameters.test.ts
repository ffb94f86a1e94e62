// An evaluation run's parameters as a table, in the form's words, instead of raw JSON.
import { afterEach, describe, expect, it } from 'vitest'
import { setTimeFormat } from '../../src/renderer/src/view-model/format'
import { runParameters } from '../../src/renderer/src/view-model/eval-parameters'

afterEach(() => setTimeFormat('hospital'))

const started = new Date(2026, 11, 2, 14, 5, 9).toISOString()
const finished = new Date(2026, 11, 2, 14, 12, 7).toISOString()

describe('runParameters', () => {
  it("writes protocol A's options as the form names them, with the dataset's name and the run's time", () => {
    const rows = runParameters(
      {
        protocol: 'segmentation',
        datasetIds: ['registered:tiny'],
        options: { protocol: 'segmentation', method: 'cry', negatives: true },
        by: 'researcher',
        startedAt: started,
        finishedAt: finished,
      },
      [{ id: 'registered:tiny', name: 'tiny' }],
    )
    expect(rows).toEqual([
      { name: 'Dataset', value: 'tiny' },
      { name: 'Method', value: 'the workstation’s segmenter' },
      { name: 'Also count detections on clips without TextGrids', value: 'yes' },
      { name: 'Run by', value: 'researcher' },
      { name: 'Started', value: '02 Dec 2026 14:05:09 · took 6 min 58 s' },
    ])
  })

  it("orders protocol D's options as the form does and writes lists and defaults in words", () => {
    const rows = runParameters({
      protocol: 'anomaly',
      datasetIds: ['shared:donateacry', 'registered:more'],
      options: { seed: 1, percentile: 95, backbones: [], models: ['gmm', 'ae'], protocol: 'anomaly' },
      by: 'researcher',
      startedAt: started,
      finishedAt: null,
    })
    expect(rows.map((r) => [r.name, r.value])).toEqual([
      ['Datasets', 'shared:donateacry, registered:more'],
      ['Backbones', 'the default backbone'],
      ['Models', 'GMM (Gaussian mixture), AE (autoencoder)'],
      ['Threshold percentile', '95th'],
      ['Seed', '1'],
      ['Run by', 'researcher'],
      ['Started', '02 Dec 2026 14:05:09'],
    ])
  })

  it("writes protocol C's scoring and cross-validation in the form's words", () => {
    const rows = runParameters({
      protocol: 'verification',
      datasetIds: ['shared:donateacry'],
      options: {
        protocol: 'verification',
        backbones: ['acoustic'],
        segments: 'project',
        scoreNorm: 'as-norm',
        cv: 5,
      },
      by: 'researcher',
      startedAt: started,
      finishedAt: null,
    })
    expect(rows.map((r) => [r.name, r.value])).toEqual([
      ['Dataset', 'shared:donateacry'],
      ['Backbones', 'acoustic'],
      ['Cries from', 'the workstation’s segmenter'],
      ['Trial scores', 'AS-norm against infants outside the evaluation'],
      ['Cross-validation folds', '5'],
      ['Run by', 'researcher'],
      ['Started', '02 Dec 2026 14:05:09'],
    ])
  })

  it('still shows an option the form does not know, named after its key', () => {
    const rows = runParameters({
      protocol: 'drift',
      datasetIds: ['builtin:simulated-ward'],
      options: {
        protocol: 'drift',
        model: 'gmm',
        backbone: 'default',
        seed: 3,
        rampHours: 12,
        extra: { a: 1 },
      },
      by: 'admin',
      startedAt: started,
      finishedAt: finished,
    })
    expect(rows.map((r) => [r.name, r.value])).toEqual([
      ['Dataset', 'builtin:simulated-ward'],
      ['Backbone', 'the default backbone'],
      ['Model', 'GMM (Gaussian mixture)'],
      ['Seed', '3'],
      ['Ramp hours', '12'],
      ['Extra', '{"a":1}'],
      ['Run by', 'admin'],
      ['Started', '02 Dec 2026 14:05:09 · took 6 min 58 s'],
    ])
  })
})

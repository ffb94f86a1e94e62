// Protocol A's metrics on the simulator's ground truth, on a short ward: the command prints and writes protocol
// A's figures, every reference cry of the simulated ward is counted, and stage 0 finds most of them (a broken
// segmenter, or a simulator whose cries drift from where its truth says they are, fails this).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { segmentationSimProtocol } from '../../src/main/cli/commands/eval-segmentation-sim'
import type { WardSegmentationReport } from '../../src/main/evaluation/segmentation-ward'
import { memorySink, simulateWard } from '../../src/main/engine/sim'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-segsim-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('iclas eval segmentation-sim', () => {
  it("scores stage 0 against the simulator's truth with protocol A's metrics", async () => {
    const json = path.join(tmp, 'segsim.json')
    const args = ['--seed', '11', '--infants', '2', '--days', '2', '--hours-per-day', '0.15']
    const printed: string[] = []
    const log = vi
      .spyOn(console, 'log')
      .mockImplementation((...a: unknown[]) => void printed.push(a.join(' ')))
    try {
      expect(
        await segmentationSimProtocol.run([...args, '--deviating', '1', '--cry-rate', '3', '--json', json]),
      ).toBe(0)
    } finally {
      log.mockRestore()
    }
    const r = JSON.parse(fs.readFileSync(json, 'utf8')) as WardSegmentationReport
    console.log(`[segmentation-sim] ${printed.join('\n')}`)
    for (const k of [
      'frame_f1',
      'frame_precision',
      'frame_recall',
      'event_f1',
      'event_precision',
      'event_recall',
    ])
      expect(r[k as keyof WardSegmentationReport], k).toEqual(expect.any(Number))
    expect(printed.join('\n')).toMatch(/segmenter\s+0\.\d{3}/)

    // Every expiration the simulator placed is a reference.
    const sink = memorySink()
    await simulateWard({ ...r.ward }, sink)
    const truthCries = sink.truth!.recordings.reduce((n, x) => n + x.cries.length, 0)
    expect(r.reference_events).toBe(truthCries)
    expect(r.recordings).toBe(4)
    expect(r.recall_by_state.deviating.cries + r.recall_by_state.usual.cries).toBe(truthCries)
    expect(r.recall_by_state.deviating.cries).toBeGreaterThan(0)

    // Stage 0 finds most cries where the truth puts them, and few elsewhere.
    expect(r.frame_f1).toBeGreaterThan(0.75)
    expect(r.event_f1).toBeGreaterThan(0.7)
    expect(r.event_precision).toBeGreaterThan(0.8)
    expect(r.recall_by_phonation.phonation!.recall).toBeGreaterThan(0.8)
  })
})

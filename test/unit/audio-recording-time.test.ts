import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { sharedDatasetsDir } from '../../src/main/cli/data-dir'
import {
  chooseRecordingTime,
  parseFileName,
  parseMetadataDate,
} from '../../src/main/engine/audio/recording-time'
import { readDataset } from '../../src/main/evaluation/datasets'

const none = { bextDate: null, infoDate: null }
const mtime = new Date('2026-01-02T03:04:05Z')

describe('recording time', () => {
  it('reads Donate-a-Cry names (epoch seconds on iOS, milliseconds on Android) and the infant', () => {
    expect(parseFileName('0c8f14a9-6999-485b-97a2-913c1cbf099c-1431028888092-1.7-m-26-hu.3gp')).toEqual({
      recordedAt: new Date(1431028888092),
      dacInfantId: 'DAC-0c8f14a9-m',
    })
    expect(parseFileName('audio/021DCB9F-2FC6-4247-859F-E58EDB682B79-1429977251-1.0-f-26-dk.caf')).toEqual({
      recordedAt: new Date(1429977251000),
      dacInfantId: 'DAC-021dcb9f-f',
    })
  })

  it('reads date-time stamps in other names as local time, and rejects impossible ones', () => {
    expect(parseFileName('Ward3_2024-06-01_02-30-00.wav').recordedAt).toEqual(new Date(2024, 5, 1, 2, 30, 0))
    expect(parseFileName('REC20240601T023000.wav').recordedAt).toEqual(new Date(2024, 5, 1, 2, 30, 0))
    expect(parseFileName('bed4_2024-13-45_99-00-00.wav').recordedAt).toBeNull()
    expect(parseFileName('baby.wav').recordedAt).toBeNull()
  })

  it('trusts the name, then bext, then LIST/INFO or container metadata, then the file time', () => {
    const header = {
      bextDate: '2024-03-05T14:22:10',
      infoDate: '2023-11-02T08:15:00',
      metadataDate: '2022-01-01T00:00:00Z',
    }
    expect(chooseRecordingTime('Ward3_2024-06-01_02-30-00.wav', header, mtime).source).toBe('filename')
    expect(chooseRecordingTime('a.wav', header, mtime)).toEqual({
      recordedAt: new Date(2024, 2, 5, 14, 22, 10),
      source: 'bext',
    })
    expect(chooseRecordingTime('a.wav', { ...header, bextDate: null }, mtime).source).toBe('info')
    expect(
      chooseRecordingTime('a.m4a', { ...none, metadataDate: '2015-05-07T20:01:28.000000Z' }, mtime),
    ).toEqual({
      recordedAt: new Date('2015-05-07T20:01:28Z'),
      source: 'info',
    })
    expect(chooseRecordingTime('a.wav', none, mtime)).toEqual({ recordedAt: mtime, source: 'mtime' })
  })

  it('ignores the placeholder dates encoders write when they know none', () => {
    expect(parseMetadataDate('1970-01-01T00:00:00.000000Z')).toBeNull()
    expect(parseMetadataDate('1904-01-01 00:00:00')).toBeNull()
    expect(parseMetadataDate('2015')).toBeNull()
    expect(parseMetadataDate('2021-06-01T10:00:00+0200')).toEqual(new Date('2021-06-01T08:00:00Z'))
  })
})

const DAC = path.join(sharedDatasetsDir(), 'donateacry')
const haveShared = fs.existsSync(path.join(DAC, 'manifest.csv'))
if (!haveShared) console.warn(`skipping the Donate-a-Cry name check: ${DAC} is absent`)

describe.skipIf(!haveShared)('every Donate-a-Cry name in ../shared', () => {
  it('gives the manifest recorded_at and infant_id', () => {
    const clips = readDataset(DAC).clips
    expect(clips.length).toBeGreaterThan(1000)
    const wrong = clips.filter((c) => {
      const n = parseFileName(path.basename(c.file))
      // recorded_at is whole seconds; Android names carry milliseconds.
      return (
        Math.floor(n.recordedAt!.getTime() / 1000) !== Date.parse(c.recordedAt!) / 1000 ||
        n.dacInfantId !== c.infantId
      )
    })
    expect(wrong.map((c) => c.relPath)).toEqual([])
  })
})

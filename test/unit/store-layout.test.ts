// The data folder's layout (src/main/store/layout.ts) is what data folders already on disk hold: a change
// here would orphan every working copy, backup and upload, so the names are pinned.
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  asideDir,
  audioDir,
  audioPathOf,
  audioRelPath,
  audioShardDir,
  backupsDir,
  dataFile,
  dbFile,
  demoSourceDir,
  incomingDir,
  isPartialAudio,
  lockFile,
  partialAudioFile,
  quarantineDir,
} from '../../src/main/store/layout'

const D = path.join('/', 'data')
const HASH = 'ab12cd34'.repeat(8)

describe('data folder layout', () => {
  it('names every file and folder as data folders on disk have them', () => {
    expect(dbFile(D)).toBe(path.join(D, 'iclas.db'))
    expect(lockFile(D)).toBe(path.join(D, 'iclas.lock'))
    expect(audioDir(D)).toBe(path.join(D, 'audio'))
    expect(quarantineDir(D)).toBe(path.join(D, 'audio-quarantine'))
    expect(backupsDir(D)).toBe(path.join(D, 'backups'))
    expect(incomingDir(D)).toBe(path.join(D, 'incoming'))
    expect(demoSourceDir(D)).toBe(path.join(D, 'demo-source'))
    expect(asideDir(D, 'replaced')).toBe(path.join(D, 'replaced'))
    expect(asideDir(D, 'damaged')).toBe(path.join(D, 'damaged'))
  })

  it('keeps working copies at audio/<xx>/<hash>.wav, stored relative to the folder', () => {
    expect(audioRelPath(HASH)).toBe(path.join('audio', 'ab', `${HASH}.wav`))
    expect(audioShardDir(D, HASH)).toBe(path.join(D, 'audio', 'ab'))
    expect(dataFile(D, audioRelPath(HASH))).toBe(path.join(D, 'audio', 'ab', `${HASH}.wav`))
    expect(audioPathOf(`ab/${HASH}.wav`)).toBe(`audio/ab/${HASH}.wav`)
  })

  it('writes a working copy under a partial name that start-up recovery recognises', () => {
    const a = partialAudioFile(D)
    const b = partialAudioFile(D)
    expect(a).not.toBe(b)
    expect(path.dirname(a)).toBe(audioDir(D))
    expect(path.basename(a)).toMatch(/^\.tmp-[0-9a-f]{12}\.wav$/)
    expect(isPartialAudio(a)).toBe(true)
    expect(isPartialAudio(`ab/${HASH}.wav`)).toBe(false)
  })
})

// Walking dropped folders: relative paths like the folder picker's, batches of readEntries, hidden files left out.
import { describe, expect, it } from 'vitest'
import {
  filesFromEntries,
  isHiddenFile,
  type DirectoryEntryLike,
  type EntryLike,
  type FileEntryLike,
} from '../../src/renderer/src/view-model/dropped-files'

const file = (fullPath: string): FileEntryLike<string> => ({
  isFile: true,
  isDirectory: false,
  name: fullPath.split('/').pop()!,
  fullPath,
  file: (ok) => ok(`contents of ${fullPath}`),
})

/** A directory whose reader answers in batches of `batch` entries, then an empty batch (like Chromium's 100). */
function dir(fullPath: string, children: EntryLike[], batch = 2): DirectoryEntryLike {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.split('/').pop()!,
    fullPath,
    createReader() {
      let at = 0
      return {
        readEntries(ok) {
          const next = children.slice(at, at + batch)
          at += batch
          setTimeout(() => ok(next), 0)
        },
      }
    },
  }
}

describe('filesFromEntries', () => {
  it('walks dropped folders keeping paths inside them, reading every batch', async () => {
    const ward = dir('/Ward', [
      dir('/Ward/Baby B', [file('/Ward/Baby B/rec10.wav'), file('/Ward/Baby B/rec2.wav')]),
      dir('/Ward/Baby A', [
        file('/Ward/Baby A/a.wav'),
        file('/Ward/Baby A/.DS_Store'),
        file('/Ward/Baby A/b.wav'),
        file('/Ward/Baby A/c.wav'),
        file('/Ward/Baby A/._c.wav'),
      ]),
      file('/Ward/Thumbs.db'),
    ])
    const { files, hidden } = await filesFromEntries<string>([ward, file('/loose.wav')])
    expect(files.map((f) => f.relativePath)).toEqual([
      'Ward/Baby A/a.wav',
      'Ward/Baby A/b.wav',
      'Ward/Baby A/c.wav',
      'Ward/Baby B/rec2.wav', // numeric order, as a file manager shows them
      'Ward/Baby B/rec10.wav',
      null, // a file dropped on its own has no folder path
    ])
    expect(files[0]!.file).toBe('contents of /Ward/Baby A/a.wav')
    expect(hidden).toBe(3)
  })

  it('passes a failing read on', async () => {
    const broken: FileEntryLike<string> = {
      ...file('/x.wav'),
      file: (_ok, fail) => fail?.(new Error('gone')),
    }
    await expect(filesFromEntries([broken])).rejects.toThrow('gone')
  })
})

describe('isHiddenFile', () => {
  it('recognises dotfiles and OS litter by the last path part', () => {
    expect(isHiddenFile('Ward/.DS_Store')).toBe(true)
    expect(isHiddenFile('Ward/Baby A/._rec.wav')).toBe(true)
    expect(isHiddenFile('desktop.ini')).toBe(true)
    expect(isHiddenFile('Ward/.hidden-dir-name/rec.wav')).toBe(false)
    expect(isHiddenFile('Ward/Baby A/rec.wav')).toBe(false)
  })
})

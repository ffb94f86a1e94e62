// Files and folders dropped on the import screen. A drop carries entries (DataTransferItem.webkitGetAsEntry),
// not files: folders have to be walked, and the walk keeps each file's path inside the dropped folder so the
// "one folder per infant" rule sees "Ward/Baby A/rec1.wav" exactly as the folder picker reports it.
// The entry types are structural (and File generic) so the walk runs in unit tests without a browser.

export interface EntryLike {
  isFile: boolean
  isDirectory: boolean
  name: string
  /** "/Ward/Baby A/rec1.wav" for an entry inside a dropped folder, "/rec1.wav" for a dropped file. */
  fullPath: string
}
export interface FileEntryLike<F> extends EntryLike {
  file(success: (f: F) => void, failure?: (e: unknown) => void): void
}
export interface DirectoryEntryLike extends EntryLike {
  createReader(): {
    readEntries(success: (entries: EntryLike[]) => void, failure?: (e: unknown) => void): void
  }
}

export interface DroppedFile<F> {
  file: F
  /** Path inside the dropped folder, or null for a file dropped on its own. */
  relativePath: string | null
}

/** Dotfiles and the folder litter operating systems leave (._rec.wav, .DS_Store, Thumbs.db, desktop.ini). */
export function isHiddenFile(path: string): boolean {
  const name = path.split('/').pop() ?? path
  return name.startsWith('.') || /^(thumbs\.db|desktop\.ini)$/i.test(name)
}

export async function filesFromEntries<F>(
  entries: readonly EntryLike[],
): Promise<{ files: DroppedFile<F>[]; hidden: number }> {
  const files: DroppedFile<F>[] = []
  let hidden = 0
  const visit = async (entry: EntryLike, topLevel: boolean): Promise<void> => {
    if (isHiddenFile(entry.name)) {
      hidden++
      return
    }
    if (entry.isFile) {
      const file = await new Promise<F>((ok, fail) => (entry as FileEntryLike<F>).file(ok, fail))
      files.push({ file, relativePath: topLevel ? null : entry.fullPath.replace(/^\/+/, '') })
    } else if (entry.isDirectory) {
      for (const child of await readAll(entry as DirectoryEntryLike)) await visit(child, false)
    }
  }
  for (const e of entries) await visit(e, true)
  return { files, hidden }
}

/** readEntries answers in batches (100 at a time in Chromium) until it answers an empty one. */
async function readAll(dir: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = dir.createReader()
  const all: EntryLike[] = []
  for (;;) {
    const batch = await new Promise<EntryLike[]>((ok, fail) => reader.readEntries(ok, fail))
    if (!batch.length) break
    all.push(...batch)
  }
  return all.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))
}

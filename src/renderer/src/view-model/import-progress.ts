// Progress arithmetic for the import screen: the job reports one overall fraction weighted by file size (as
// runImport does) and each file's outcome; the file being imported gets its own fraction from the two.
import type { FileOutcome } from '../../../shared/contract'

/** Per file: 1 when settled, the running file's fraction, 0 for files still waiting; null once cancelled/refused. */
export function fileFractions(
  files: readonly Pick<FileOutcome, 'status'>[],
  sizes: readonly number[],
  overall: number,
): (number | null)[] {
  const weights = files.map((_f, i) => Math.max(1, sizes[i] ?? 1))
  const total = weights.reduce((a, b) => a + b, 0)
  let settled = 0
  let running = -1
  files.forEach((f, i) => {
    if (f.status !== 'pending') settled += weights[i]!
    else if (running < 0) running = i
  })
  return files.map((f, i) => {
    if (f.status === 'imported' || f.status === 'duplicate') return 1
    if (f.status !== 'pending') return null
    if (i !== running) return 0
    return Math.max(0, Math.min(1, (overall * total - settled) / weights[i]!))
  })
}

/** Seconds left at the average rate so far, or null until there is enough to say. */
export function secondsLeft(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || total <= 0 || elapsedMs < 1000 || done >= total) return done >= total ? 0 : null
  return ((total - done) * elapsedMs) / done / 1000
}

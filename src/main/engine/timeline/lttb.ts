// Largest-triangle-three-buckets downsampling (Steinarsson 2013) for the timeline, with one addition no
// library offers: points the clinician must see (flagged cries) are always kept. Hand-written for that reason.

/** Indices of the points to keep, in order. `keep(i)` forces a point in. */
export function lttbIndices(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  threshold: number,
  keep?: (i: number) => boolean,
): number[] {
  const n = x.length
  const forced: number[] = []
  if (keep) for (let i = 0; i < n; i++) if (keep(i)) forced.push(i)
  const budget = Math.max(3, threshold - forced.length)
  if (n <= Math.max(threshold, 3)) return Array.from({ length: n }, (_, i) => i)
  const chosen = [0]
  const every = (n - 2) / (budget - 2)
  let a = 0
  for (let b = 0; b < budget - 2; b++) {
    const nextStart = Math.floor((b + 1) * every) + 1
    const nextEnd = Math.min(n, Math.floor((b + 2) * every) + 1)
    let avgX = 0
    let avgY = 0
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += x[j]!
      avgY += y[j]!
    }
    const len = Math.max(1, nextEnd - nextStart)
    avgX /= len
    avgY /= len
    const start = Math.floor(b * every) + 1
    const end = Math.floor((b + 1) * every) + 1
    let best = start
    let bestArea = -1
    for (let j = start; j < end; j++) {
      const area = Math.abs((x[a]! - avgX) * (y[j]! - y[a]!) - (x[a]! - x[j]!) * (avgY - y[a]!))
      if (area > bestArea) {
        bestArea = area
        best = j
      }
    }
    chosen.push(best)
    a = best
  }
  chosen.push(n - 1)
  if (!forced.length) return chosen
  return [...new Set([...chosen, ...forced])].sort((p, q) => p - q)
}

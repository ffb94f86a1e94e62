// Small descriptive statistics shared by the engine, the evaluations and the services (one definition each).

/** The median (the mean of the two middle values for an even count), or null for no values. */
export function median(v: readonly number[]): number | null {
  if (!v.length) return null
  const s = [...v].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

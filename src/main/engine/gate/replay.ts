// The replay buffer an infant's model is refitted on. Bounded, and keeps both old and recent cries: half
// the capacity holds the oldest trusted cries (the original baseline, so the model never forgets what this
// infant's normal cry was), the other half the most recent accepted ones (so it follows healthy development).

export interface ReplayEntry {
  cryId: number
  /** Cry time, ms since epoch. */
  t: number
}

export function updateReplayBuffer(
  current: readonly ReplayEntry[],
  added: readonly ReplayEntry[],
  capacity: number,
): ReplayEntry[] {
  const all = [...current, ...added.filter((a) => !current.some((c) => c.cryId === a.cryId))].sort(
    (a, b) => a.t - b.t || a.cryId - b.cryId,
  )
  if (all.length <= capacity) return all
  const oldCount = Math.floor(capacity / 2)
  const recentCount = capacity - oldCount
  return [...all.slice(0, oldCount), ...all.slice(all.length - recentCount)]
}

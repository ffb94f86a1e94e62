// Time limits that scale with the machine. A test's limit is what it needs on this project's 2-core machine
// when it is quiet, times TIME_SCALE: how much slower this machine is right now, measured once per run from
// the load average per core and a short CPU probe (whichever says slower), between 1 and 8.
// ICLAS_TIME_SCALE overrides it (CI on a known machine, or a deliberately loaded one). vitest.config.ts
// computes it once and hands it to every worker through the environment.
import os from 'node:os'

/** Median time of the probe below on this project's machine when quiet (ms). */
const PROBE_REFERENCE_MS = 60

function probeMs(): number {
  const runs: number[] = []
  for (let k = 0; k < 3; k++) {
    const t0 = process.hrtime.bigint()
    const a = new Float64Array(1 << 16)
    let x = 0
    for (let r = 0; r < 200; r++)
      for (let i = 0; i < a.length; i++) {
        a[i] = Math.sqrt(a[i]! + i * r) + x
        x = a[i]! * 1e-9
      }
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  return runs.sort((p, q) => p - q)[1]!
}

export function measureTimeScale(): number {
  const load = os.loadavg()[0]! / Math.max(1, os.availableParallelism?.() ?? os.cpus().length)
  const slow = probeMs() / PROBE_REFERENCE_MS
  return Math.round(Math.min(8, Math.max(1, load, slow)) * 100) / 100
}

function fromEnv(): number | null {
  const v = Number(process.env.ICLAS_TIME_SCALE)
  return Number.isFinite(v) && v > 0 ? v : null
}

export const TIME_SCALE: number = fromEnv() ?? measureTimeScale()

/** A time limit of `ms` on a quiet machine, scaled to this one. */
export function scaled(ms: number): number {
  return Math.round(ms * TIME_SCALE)
}

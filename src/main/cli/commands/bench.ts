// `iclas bench [suite…]` (npm run bench): reproducible benchmarks, each comparing against a reference in the
// same run. Suites live in bench/ and register here.
import type { CliCommand } from '../command'
import { UsageError } from '../command'
import { embedBench } from '../../../../bench/embed.bench'
import { anomalyBench } from '../../../../bench/anomaly.bench'
import { audioBench } from '../../../../bench/audio.bench'

export interface BenchSuite {
  name: string
  summary: string
  run(argv: string[]): Promise<void>
}

const suites: BenchSuite[] = [audioBench, anomalyBench, embedBench]

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'Run benchmarks (all suites, or the ones named)',
  get usage() {
    return [
      'usage: iclas bench [suite…] [--json FILE]',
      '',
      ...suites.map((s) => `  ${s.name.padEnd(12)} ${s.summary}`),
    ].join('\n')
  },
  async run(argv) {
    const names = argv.filter((a) => !a.startsWith('--'))
    const chosen = names.length ? names.map((n) => suites.find((s) => s.name === n) ?? n) : suites
    for (const s of chosen) if (typeof s === 'string') throw new UsageError(`unknown suite "${s}"`)
    for (const s of chosen as BenchSuite[]) {
      console.log(`\n== bench ${s.name}: ${s.summary}`)
      await s.run(argv)
    }
  },
}

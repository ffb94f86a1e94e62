// `iclas bench [suite…]` (npm run bench): reproducible benchmarks, each comparing against a reference in the
// same run. Suites live in bench/ and register here; bin/iclas.mjs runs bench/main.ts for `iclas bench`, so the
// product (src/) never imports its benchmarks.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { anomalyBench } from './anomaly.bench'
import { audioBench } from './audio.bench'
import { embedBench } from './embed.bench'
import { BenchUsageError, type BenchSuite } from './suite'
import { timelineBench } from './timeline.bench'
import { uiBench } from './ui.bench'

export const suites: BenchSuite[] = [audioBench, anomalyBench, embedBench, timelineBench, uiBench]

export const BENCH_SUMMARY = 'Run benchmarks (all suites, or the ones named)'

export function benchUsage(): string {
  return [
    'usage: iclas bench [suite…] [--json FILE]',
    '',
    ...suites.map((s) => `  ${s.name.padEnd(12)} ${s.summary}`),
  ].join('\n')
}

/** Runs the named suites (all without names); with --json, one document per suite, gathered into one file. */
export async function runBench(argv: string[]): Promise<void> {
  const { names, json, suiteArgv } = parseBenchArgs(
    argv,
    suites.map((s) => s.name),
  )
  const chosen = names.length ? names.map((n) => suites.find((s) => s.name === n)!) : suites
  // Every suite writes its own JSON document; with several suites they are gathered into one file.
  const tmp = json && chosen.length > 1 ? fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-bench-')) : null
  const docs: Record<string, unknown> = {}
  try {
    for (const s of chosen) {
      console.log(`\n== bench ${s.name}: ${s.summary}`)
      const target = tmp ? path.join(tmp, `${s.name}.json`) : json
      await s.run(target ? [...suiteArgv, `--json=${target}`] : suiteArgv)
      if (tmp && fs.existsSync(target!)) docs[s.name] = JSON.parse(fs.readFileSync(target!, 'utf8'))
    }
    if (tmp && json) fs.writeFileSync(json, JSON.stringify({ suites: docs }, null, 2) + '\n')
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  }
}

/**
 * Splits `iclas bench` arguments into suite names, the --json file (`--json FILE` or `--json=FILE`) and what
 * the suites receive. A word naming a suite is a suite; any other word after an option is that option's value
 * (`--hours 1,24`); anything else is an unknown suite.
 */
export function parseBenchArgs(
  argv: readonly string[],
  suiteNames: readonly string[],
): { names: string[]; json: string | null; suiteArgv: string[] } {
  const names: string[] = []
  const suiteArgv: string[] = []
  let json: string | null = null
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--json' || a.startsWith('--json=')) {
      const file = a === '--json' ? argv[++i] : a.slice('--json='.length)
      if (!file || file.startsWith('--')) throw new BenchUsageError('--json needs a file name')
      json = file
    } else if (a.startsWith('--')) suiteArgv.push(a)
    else if (suiteNames.includes(a)) {
      names.push(a)
      suiteArgv.push(a)
    } else if (i > 0 && argv[i - 1]!.startsWith('--') && !argv[i - 1]!.includes('=')) suiteArgv.push(a)
    else throw new BenchUsageError(`unknown suite "${a}"`)
  }
  return { names, json, suiteArgv }
}

// `iclas <command> …`: import, demo, eval, serve, … Each command lives in ./commands/ and is listed here.
// `iclas bench` is the benchmarks' own entry (bench/main.ts, chosen by bin/iclas.mjs): src/ never imports bench/.
import type { CliCommand } from './command'
import { UsageError } from './command'
import { accountsCommand } from './commands/accounts'
import { backupCommand } from './commands/backup'
import { datasetsCommand } from './commands/datasets'
import { demoCommand } from './commands/demo'
import { evalCommand } from './commands/eval'
import { trainCommand } from './commands/train'
import { importCommand } from './commands/import'
import { serveCommand } from './commands/serve'
import { simulateCommand } from './commands/simulate'

const commands: CliCommand[] = [
  serveCommand,
  importCommand,
  demoCommand,
  backupCommand,
  accountsCommand,
  evalCommand,
  datasetsCommand,
  trainCommand,
  simulateCommand,
]

/** Listed in the help, run by bin/iclas.mjs from bench/ (not a command of this module). */
const BENCH = { name: 'bench', summary: 'Run benchmarks (all suites, or the ones named)' }

function help(): string {
  const listed = [...commands, BENCH]
  const w = Math.max(...listed.map((c) => c.name.length))
  return [
    'ICLAS — Infant Cry Longitudinal Analysis System',
    '',
    'usage: iclas <command> [options]',
    '',
    ...listed.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'iclas <command> --help shows the options of a command.',
  ].join('\n')
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help())
    return name ? 0 : 2
  }
  const cmd = commands.find((c) => c.name === name)
  if (!cmd) {
    console.error(`iclas: unknown command "${name}"\n\n${help()}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usageFor?.(rest) ?? cmd.usage)
    return 0
  }
  try {
    return (await cmd.run(rest)) ?? 0
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`iclas ${cmd.name}: ${err.message}\n\n${cmd.usageFor?.(rest) ?? cmd.usage}`)
      return 2
    }
    // A damaged or busy data folder is a situation, not a bug: say what to do, without a stack trace.
    if (err instanceof Error && /^(StoreDamagedError|StoreLockedError|BackupDamagedError)$/.test(err.name)) {
      console.error(`iclas ${cmd.name}: ${err.message}`)
      return 1
    }
    console.error(`iclas ${cmd.name}: ${(err as Error).stack ?? err}`)
    return 1
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)

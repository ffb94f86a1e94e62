// Entry of `iclas bench` (bin/iclas.mjs runs it through tsx, as it runs the CLI): help, usage errors and exit
// codes as the CLI's commands give them.
import { benchUsage, runBench } from './registry'
import { BenchUsageError } from './suite'

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(benchUsage())
    return 0
  }
  try {
    await runBench(argv)
    return 0
  } catch (err) {
    if (err instanceof BenchUsageError) {
      console.error(`iclas bench: ${err.message}\n\n${benchUsage()}`)
      return 2
    }
    console.error(`iclas bench: ${(err as Error).stack ?? err}`)
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

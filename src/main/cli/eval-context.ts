// The evaluation context of `iclas eval`: log lines on stderr; progress ("120/407 clips") rewritten in place on a
// terminal, not shown otherwise; Ctrl-C ends the process as before.
import { EvalOptionsError, type EvalContext, type Protocol } from '../evaluation/context'
import { UsageError } from './command'

export function cliEvalContext(signal: AbortSignal = new AbortController().signal): EvalContext {
  const tty = !!process.stderr.isTTY
  let inPlace = false
  return {
    signal,
    progress(_fraction, message) {
      if (!tty || !message) return
      process.stderr.write(`\r  ${message}`)
      inPlace = true
    },
    log(line) {
      if (inPlace) process.stderr.write('\n')
      inPlace = false
      console.error(line)
    },
  }
}

/** Runs a protocol for `iclas eval`: options it refuses are wrong arguments (printed with the usage, exit code 2). */
export async function runForCli<O, R>(
  protocol: Protocol<O, R>,
  options: O,
  signal?: AbortSignal,
): Promise<R> {
  try {
    return await protocol.run(options, cliEvalContext(signal))
  } catch (err) {
    if (err instanceof EvalOptionsError) throw new UsageError(err.message)
    throw err
  }
}

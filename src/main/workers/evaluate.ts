// The worker side of `runEvaluation`: runs an evaluation protocol (src/main/evaluation) with the options the
// service built, as `iclas eval <protocol>` does, and hands back its report (the JSON `--json` writes), the
// tables the command prints and the last log lines. The protocol's progress becomes the job's; a cancelled job
// stops at the protocol's next progress or log line. Runs in a worker of its own (the evaluation service's pool),
// so the core keeps answering while a protocol runs.
import { runProtocol, type ProtocolRequest } from '../evaluation'

export type EvaluateArgs = ProtocolRequest

export interface EvaluateResult {
  report: unknown
  text: string
  log: string[]
}

interface Ctx {
  signal: AbortSignal
  progress(fraction: number, message?: string): void
}

export async function evaluate(args: EvaluateArgs, ctx: Ctx): Promise<EvaluateResult> {
  const log: string[] = []
  let fraction = 0
  let message: string | undefined
  const stopIfCancelled = () => {
    if (ctx.signal.aborted) throw new DOMException('cancelled', 'AbortError')
  }
  const { report, text } = await runProtocol(args, {
    signal: ctx.signal,
    progress(f, m) {
      stopIfCancelled()
      // Forward only: 99 % at most until the report is back.
      fraction = Math.max(fraction, Math.min(0.99, f))
      message = m ?? message
      ctx.progress(fraction, message)
    },
    log(line) {
      stopIfCancelled()
      if (!line.trim()) return
      log.push(line.trimEnd())
      ctx.progress(fraction, line.trim())
    },
  })
  // The report as `--json` writes it: plain JSON (no undefined members; NaN and infinities as null).
  return { report: JSON.parse(JSON.stringify(report)) as unknown, text, log: log.slice(-200) }
}

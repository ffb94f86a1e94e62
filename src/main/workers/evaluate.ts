// The worker side of `runEvaluation`: runs an evaluation protocol exactly as `iclas eval <protocol>` does — its
// own run(argv) with `--json` to a temporary file — and hands back that JSON and the tables it printed. The
// command's log lines ("  120/407 clips") become job progress; a cancelled job stops at the next one. Runs in a
// worker of its own (the evaluation service's pool), so the core keeps answering while a protocol runs.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { format } from 'node:util'
import type { EvalProtocolName } from '../../shared/contract'
import { anomalyProtocol } from '../cli/commands/eval-anomaly'
import { driftProtocol } from '../cli/commands/eval-drift'
import { gateProtocol } from '../cli/commands/eval-gate'
import { segmentationProtocol } from '../cli/commands/eval-segmentation'
import { verificationProtocol } from '../cli/commands/eval-verification'
import type { EvalProtocol } from '../cli/command'

const PROTOCOLS: Record<EvalProtocolName, EvalProtocol> = {
  segmentation: segmentationProtocol,
  gate: gateProtocol,
  verification: verificationProtocol,
  anomaly: anomalyProtocol,
  drift: driftProtocol,
}

export interface EvaluateArgs {
  protocol: EvalProtocolName
  /** The command's arguments, without --json (built by the service from dataset ids and checked options). */
  argv: string[]
}

export interface EvaluateResult {
  report: unknown
  text: string
  log: string[]
}

interface Ctx {
  signal: AbortSignal
  progress(fraction: number, message?: string): void
}

/** "12/407" in a log line, as a fraction. */
export function progressOf(line: string): number | null {
  const m = /(\d+)\s*\/\s*(\d+)/.exec(line)
  if (!m) return null
  const done = Number(m[1])
  const total = Number(m[2])
  return total > 0 && done <= total ? done / total : null
}

export async function evaluate(args: EvaluateArgs, ctx: Ctx): Promise<EvaluateResult> {
  const protocol = PROTOCOLS[args.protocol]
  if (!protocol) throw new Error(`unknown protocol ${args.protocol}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-eval-'))
  const json = path.join(dir, 'report.json')
  const printed: string[] = []
  const log: string[] = []
  let fraction = 0
  const onLog = (text: string) => {
    if (ctx.signal.aborted) throw new DOMException('cancelled', 'AbortError')
    for (const raw of text.split(/[\r\n]+/)) {
      const line = raw.trimEnd()
      if (!line.trim()) continue
      log.push(line)
      const f = progressOf(line)
      if (f !== null) fraction = Math.max(fraction, Math.min(0.99, f))
      ctx.progress(fraction, line.trim())
    }
  }
  // This thread's console and stderr only (each worker has its own): the tables and the log lines are the
  // command's own output, collected instead of printed.
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info }
  const stderr = process.stderr as NodeJS.WriteStream & { isTTY?: boolean }
  const savedWrite = stderr.write
  const savedTTY = stderr.isTTY
  console.log = (...a: unknown[]) => void printed.push(format(...a))
  console.error = console.warn = console.info = (...a: unknown[]) => onLog(format(...a))
  stderr.isTTY = true // the commands show per-clip progress only on a terminal
  stderr.write = ((chunk: string | Uint8Array) => {
    onLog(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  }) as typeof stderr.write
  try {
    const code = await protocol.run([...args.argv, '--json', json])
    if (code !== undefined && code !== 0) {
      throw new Error(log.slice(-3).join(' — ') || `iclas eval ${args.protocol} ended with code ${code}`)
    }
    if (!fs.existsSync(json)) throw new Error(`iclas eval ${args.protocol} wrote no report`)
    return {
      report: JSON.parse(fs.readFileSync(json, 'utf8')),
      text: printed.join('\n'),
      log: log.slice(-200),
    }
  } finally {
    Object.assign(console, saved)
    stderr.write = savedWrite
    stderr.isTTY = savedTTY
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

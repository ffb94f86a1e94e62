// The evaluation protocols of docs/evaluation.md, by name: what `iclas eval <protocol>` and the Evaluation
// screen's worker (src/main/workers/evaluate.ts) both run. Each takes typed options and a context (cancel,
// progress, log lines) and returns its report: the JSON `iclas eval <protocol> --json` writes.
import type { EvalContext, Protocol } from './context'
import { anomaly } from './protocols/anomaly'
import { drift } from './protocols/drift'
import { gate } from './protocols/gate'
import { segmentation } from './protocols/segmentation'
import { verification } from './protocols/verification'

export const protocols = { segmentation, gate, verification, anomaly, drift } as const

export type ProtocolName = keyof typeof protocols
type OptionsOf<P> = P extends Protocol<infer O, unknown> ? O : never
type ReportOf<P> = P extends Protocol<never, infer R> ? R : never

/** A protocol with its options: what the evaluation worker is asked to run. */
export type ProtocolRequest = {
  [K in ProtocolName]: { protocol: K; options: OptionsOf<(typeof protocols)[K]> }
}[ProtocolName]

export type ProtocolReport<K extends ProtocolName> = ReportOf<(typeof protocols)[K]>

/** Runs a protocol: its report and the tables the CLI prints for it. */
export async function runProtocol(
  request: ProtocolRequest,
  ctx: EvalContext,
): Promise<{ report: unknown; text: string }> {
  // One protocol's options with that protocol: the union is checked where the request is made.
  const p = protocols[request.protocol] as unknown as Protocol<unknown, unknown>
  if (!p) throw new Error(`unknown protocol ${String(request.protocol)}`)
  const report = await p.run(request.options, ctx)
  return { report, text: p.format(report, request.options) }
}

export type { EvalContext, Protocol } from './context'

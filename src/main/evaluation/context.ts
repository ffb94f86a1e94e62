// What a protocol's run gets besides its options: a cancel signal, progress as a share of the whole run, and log
// lines. The CLI prints them; the evaluation worker forwards progress and log lines as job events.
export interface EvalContext {
  signal: AbortSignal
  /** Share of the whole run done (0–1), with what is being done; throws once the run is cancelled. */
  progress(fraction: number, message?: string): void
  /** A line for the person watching (the CLI's stderr, the job's log). */
  log(line: string): void
}

/**
 * The same context for one phase of a run, the phase's progress mapped onto [from, to] of the whole; its log
 * lines are the run's. Progress only moves forward.
 */
export function phase(ctx: EvalContext, from: number, to: number): EvalContext {
  return {
    signal: ctx.signal,
    progress: (f, message) => ctx.progress(from + Math.min(1, Math.max(0, f)) * (to - from), message),
    log: (line) => ctx.log(line),
  }
}

/** A context that shows nothing and is never cancelled (tests, callers that only want the report). */
export function quietContext(): EvalContext {
  return { signal: new AbortController().signal, progress: () => undefined, log: () => undefined }
}

/** A protocol: typed options in, its report (the JSON `iclas eval <name> --json` writes) out, and its tables. */
export interface Protocol<O, R> {
  name: string
  /** Its letter in docs/evaluation.md. */
  letter: string
  summary: string
  run(options: O, ctx: EvalContext): Promise<R>
  /** The tables `iclas eval` prints and the Evaluation screen shows, from the report. */
  format(report: R, options: O): string
}

/** Options a protocol refuses (an unknown method, infants a backbone was trained on…): the CLI prints its usage. */
export class EvalOptionsError extends Error {}

// A CLI command: a name, a one-line summary, usage text and a run function over parsed argv.
export interface CliCommand {
  name: string
  summary: string
  usage: string
  /** Usage of a subcommand named in argv (`iclas eval drift --help`), where the command has subcommands. */
  usageFor?(argv: string[]): string | undefined
  run(argv: string[]): Promise<number | void>
}

/** Thrown for wrong arguments: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/** An `iclas eval <protocol>`: registered in ./commands/eval.ts. */
export interface EvalProtocol {
  name: string
  summary: string
  usage: string
  run(argv: string[]): Promise<number | void>
}

// What a benchmark suite is: a name, a one-line summary and a run over its arguments. Suites live in bench/ and
// register in ./registry.ts; nothing under src/ imports bench/.
export interface BenchSuite {
  name: string
  summary: string
  run(argv: string[]): Promise<void>
}

/** Wrong arguments to `iclas bench`: printed with the usage, exit code 2. */
export class BenchUsageError extends Error {}

// Logs carry no patient names. Infant labels and file names (which wards often name after the infant) can
// reach an error message: an fs error quotes the path, a SQLite error quotes the value. Before a message is
// logged, paths and quoted text are replaced; ids and error codes stay, which is what diagnosis needs.
const QUOTED = /(["'`“”‘’])(?:(?!\1).){1,400}\1/g
const POSIX_PATH = /(^|[\s(=:,])\/(?:[^\s/'"`]+\/)*[^\s/'"`]*/g
const WINDOWS_PATH = /(^|[\s(=:,])(?:[A-Za-z]:|\\\\[^\s\\]+)\\(?:[^\s\\'"`]+\\)*[^\s\\'"`]*/g

export function redactForLog(text: string): string {
  return text.replace(QUOTED, '$1…$1').replace(WINDOWS_PATH, '$1<path>').replace(POSIX_PATH, '$1<path>')
}

/** An error for the log: name, code and redacted message, plus the stack frames (code locations only). */
export function errorForLog(err: unknown): string {
  const e = err as Error & { code?: unknown }
  const head = `${e?.name ?? 'Error'}${e?.code !== undefined ? ` [${String(e.code)}]` : ''}: ${redactForLog(String(e?.message ?? err))}`
  const frames = String(e?.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 8)
    .map((l) => redactForLog(l.replace(/\((?:file:\/\/)?[^)]*[/\\](src|node_modules)[/\\]/, '($1/')))
  return [head, ...frames].join('\n')
}

const CLIENT_POSIX_PATH = /(^|[\s(=:,'"`[])\/(?:[^\s/'"`\]]+\/)*[^\s/'"`\])]*/g
const CLIENT_WINDOWS_PATH = /(^|[\s(=:,'"`[])(?:[A-Za-z]:|\\\\[^\s\\]+)\\(?:[^\s\\'"`]+\\)*[^\s\\'"`\])]*/g

/**
 * Text that crosses the contract (error messages, job errors, per-file reasons) with absolute paths of this
 * machine replaced by <path>: clients never learn where the data folder, the datasets or a file live.
 */
export function redactPaths(text: string): string {
  return text.replace(CLIENT_WINDOWS_PATH, '$1<path>').replace(CLIENT_POSIX_PATH, '$1<path>')
}

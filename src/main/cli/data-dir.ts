// Where the workstation keeps its database and audio: --data-dir, else $ICLAS_DATA_DIR, else the user's
// data folder (XDG_DATA_HOME/iclas, ~/Library/Application Support/iclas, %APPDATA%/iclas).
import os from 'node:os'
import path from 'node:path'

export function defaultDataDir(): string {
  if (process.env.ICLAS_DATA_DIR) return path.resolve(process.env.ICLAS_DATA_DIR)
  const home = os.homedir()
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'iclas')
  if (process.platform === 'win32')
    return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'iclas')
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'iclas')
}

/** Accepts a data folder or the path of its iclas.db. */
export function resolveDataDir(arg: string | undefined): string {
  if (!arg) return defaultDataDir()
  const p = path.resolve(arg)
  return p.endsWith('.db') ? path.dirname(p) : p
}

/** ../shared/datasets beside the checkout, where evaluations and benchmarks read real data. */
export function sharedDatasetsDir(): string {
  return path.resolve(
    process.env.ICLAS_SHARED_DATASETS ?? path.join(process.cwd(), '..', 'shared', 'datasets'),
  )
}

// What the browser benchmarks (ui, timeline) share: where the built renderer and Debian's Chromium are, a
// rebuild of the renderer when its sources are newer than the build, and how figures are summarised.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const RENDERER = path.join(ROOT, 'out', 'renderer')
export const CHROMIUM = process.env.ICLAS_CHROMIUM ?? '/usr/bin/chromium'

export const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!
export const ms = (v: number) => `${v.toFixed(0).padStart(6)} ms`

/** The built UI must include the current sources: rebuild when a renderer, contract or build file is newer. */
export function ensureRenderer(): void {
  const built = path.join(RENDERER, 'index.html')
  const newest = (dir: string): number =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .reduce(
        (m, e) =>
          Math.max(
            m,
            e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs,
          ),
        0,
      )
  const sources = Math.max(
    newest(path.join(ROOT, 'src', 'renderer')),
    newest(path.join(ROOT, 'src', 'shared')),
    fs.statSync(path.join(ROOT, 'electron.vite.config.ts')).mtimeMs,
  )
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return
  console.log('  building the renderer (electron-vite build)…')
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: ROOT, stdio: 'inherit' },
  )
}

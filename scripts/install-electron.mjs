// Postinstall: fetch the Electron binary when the network allows it, and never fail the install when it
// does not. Electron ≥ 42 no longer downloads its binary at install time (it does so lazily on first run,
// from GitHub); we do it here so that `npm start` can open the desktop window on a normal machine, and fall
// back to browser mode (scripts/start.mjs) on air-gapped or registry-only machines.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log(
    '[iclas] ELECTRON_SKIP_BINARY_DOWNLOAD is set: not fetching the Electron binary (npm start will use browser mode).',
  )
  process.exit(0)
}
let electronDir
try {
  electronDir = path.dirname(require.resolve('electron/package.json'))
} catch {
  process.exit(0) // production install without devDependencies
}
const installer = path.join(electronDir, 'install.js')
if (!existsSync(installer)) process.exit(0)
const result = spawnSync(process.execPath, [installer], { stdio: 'pipe', timeout: 180_000, encoding: 'utf8' })
if (result.status === 0) {
  console.log('[iclas] Electron binary installed: npm start opens the desktop app.')
} else {
  const reason =
    (result.stderr || result.stdout || String(result.error ?? '')).split('\n').find((l) => l.trim()) ??
    'unknown error'
  console.log(`[iclas] Could not fetch the Electron binary (${reason.trim()}).`)
  console.log(
    '[iclas] This is expected on machines without access to GitHub: npm start will run the workstation in browser mode.',
  )
}
process.exit(0)

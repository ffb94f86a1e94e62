// `npm start`: build what changed, then open the desktop app when the Electron binary is installed, else
// start browser mode and print its URL (with the per-launch token) and why.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
// --no-demo (skip building the demo ward on a new data folder) travels as ICLAS_NO_DEMO to either mode's core.
const args = process.argv.slice(2).filter((a) => a !== '--no-demo')
if (process.argv.includes('--no-demo')) process.env.ICLAS_NO_DEMO = '1'
// --port N only means something in browser mode (a fixed address), so it asks for browser mode too.
const forceBrowser =
  args.includes('--browser') ||
  args.some((a) => a === '--port' || a.startsWith('--port=')) ||
  process.env.ICLAS_BROWSER_MODE === '1'

function newestMtime(dir) {
  let newest = 0
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs)
  }
  return newest
}

function buildIfStale() {
  const stamp = path.join(root, 'out', '.build-stamp')
  const sources = Math.max(
    newestMtime(path.join(root, 'src')),
    fs.statSync(path.join(root, 'electron.vite.config.ts')).mtimeMs,
  )
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0
  if (built >= sources) return
  console.log('[iclas] building the workstation (first start or sources changed)…')
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    { cwd: root, stdio: 'inherit' },
  )
  if (r.status !== 0) process.exit(r.status ?? 1)
  fs.writeFileSync(stamp, new Date().toISOString())
}

/** The Electron executable, without triggering its lazy download (electron/index.js would). */
function electronBinary() {
  try {
    const dir = path.dirname(require.resolve('electron/package.json'))
    const rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim()
    const exe = path.join(dir, 'dist', rel)
    return fs.existsSync(exe) ? { exe, version: require('electron/package.json').version } : null
  } catch {
    return null
  }
}

/** better-sqlite3 compiled for Electron's ABI, kept apart so Node (tests, CLI, browser mode) keeps its own. */
function electronSqliteBinding(version) {
  const outDir = path.join(root, '.cache', 'electron-native', version)
  const binding = path.join(outDir, 'better_sqlite3.node')
  if (fs.existsSync(binding)) return binding
  console.log(`[iclas] building better-sqlite3 for Electron ${version} (once)…`)
  const src = path.dirname(require.resolve('better-sqlite3/package.json'))
  const work = path.join(root, '.cache', 'electron-native', `build-${version}`)
  fs.rmSync(work, { recursive: true, force: true })
  fs.cpSync(src, work, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) })
  const gyp = path.join(path.dirname(require.resolve('node-gyp/package.json')), 'bin', 'node-gyp.js')
  const r = spawnSync(
    process.execPath,
    [
      gyp,
      'rebuild',
      '--release',
      `--target=${version}`,
      '--arch=' + process.arch,
      '--dist-url=https://electronjs.org/headers',
    ],
    {
      cwd: work,
      stdio: 'inherit',
      env: { ...process.env, npm_config_nodedir: '' },
    },
  )
  if (r.status !== 0) return null
  fs.mkdirSync(outDir, { recursive: true })
  fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), binding)
  fs.rmSync(work, { recursive: true, force: true })
  return binding
}

function startBrowserMode(reason) {
  console.log(`[iclas] ${reason}`)
  console.log('[iclas] Starting browser mode (same workstation, served on 127.0.0.1 only).')
  console.log(
    "[iclas] Open the address it prints below (it carries this start's access token), then choose your account.",
  )
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin', 'iclas.mjs'), 'serve', ...args.filter((a) => a !== '--browser')],
    { cwd: root, stdio: 'inherit' },
  )
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code) => process.exit(code ?? 0))
}

buildIfStale()
const electron = forceBrowser ? null : electronBinary()
if (forceBrowser) {
  startBrowserMode('Browser mode requested.')
} else if (!electron) {
  startBrowserMode(
    'The Electron binary is not installed (its download from GitHub failed or was skipped), so the desktop window cannot open.',
  )
} else if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && process.platform === 'linux') {
  startBrowserMode(
    'No display is available (DISPLAY/WAYLAND_DISPLAY unset), so the desktop window cannot open.',
  )
} else {
  const binding = electronSqliteBinding(electron.version)
  if (!binding) {
    startBrowserMode(
      'better-sqlite3 could not be built for Electron (no compiler or no access to electronjs.org headers).',
    )
  } else {
    const child = spawn(electron.exe, [path.join(root, 'out', 'main', 'index.js'), ...args], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ICLAS_SQLITE_BINDING: binding },
    })
    child.on('exit', (code) => process.exit(code ?? 0))
  }
}

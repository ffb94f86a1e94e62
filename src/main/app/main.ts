// Electron main: window, menu, security policy, and routing. It never decodes, infers, fits or runs SQL:
// every contract call is forwarded to the core in a utilityProcess (src/main/app/core-host.ts).
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, type WebContents } from 'electron'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { methodNames } from '../../shared/contract'
import { CSP } from '../server/csp'
import { DesktopAlertNotifications } from './alert-notifications'
import { CoreProcess } from './core-process'
import { MediaKeys, parseMediaUrl } from './session-routing'

const here = path.dirname(fileURLToPath(import.meta.url))
const RENDERER_INDEX = path.join(here, '../renderer/index.html')
const PRELOAD = path.join(here, '../preload/index.cjs')
const METHODS = new Set<string>(methodNames)
/** Each window's media key: its media URLs carry it, so the media handler knows which window asks. */
const mediaKeys = new MediaKeys()

protocol.registerSchemesAsPrivileged([
  {
    scheme: 'iclas-media',
    privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
  },
])
app.enableSandbox()

if (!app.requestSingleInstanceLock()) app.quit()

const dataDir = process.env.ICLAS_DATA_DIR ?? path.join(app.getPath('userData'), 'data')
const alertNotifications = new DesktopAlertNotifications()
const core = new CoreProcess(
  path.join(here, 'core-host.js'),
  { ICLAS_DATA_DIR: dataDir, ICLAS_SQLITE_BINDING: process.env.ICLAS_SQLITE_BINDING ?? '' },
  {
    // The way out of a damaged database, asked before any window opens.
    async damaged(report) {
      const restore = report.latestGood
        ? `Restore the backup of ${new Date(report.latestGood.createdAt).toLocaleString()} ` +
          `(${report.latestGood.counts.recordings} recordings)`
        : null
      const buttons = [...(restore ? [restore] : []), 'Move the damaged file aside and start empty', 'Quit']
      const { response } = await dialog.showMessageBox({
        type: 'error',
        title: 'ICLAS — the database is damaged',
        message: 'The ICLAS database is damaged.',
        detail:
          `${report.problem}\n\nNothing has been changed yet. The damaged file is kept either way; audio files are ` +
          'kept. Work done after the backup is lost from the database.',
        buttons,
        defaultId: 0,
        cancelId: buttons.length - 1,
        noLink: true,
      })
      if (response === buttons.length - 1) return null
      return restore && response === 0 ? 'restore' : 'set-aside'
    },
    fatal(message) {
      if (message) dialog.showErrorBox('ICLAS cannot start', message)
      app.quit()
    },
    event: (event, payload) => alertNotifications.onCoreEvent(event, payload),
  },
)

/** Only our own page may call the core: the packaged file, or the dev server in development. */
function trustedSender(wc: WebContents, frameUrl: string | undefined): boolean {
  const url = frameUrl ?? wc.getURL()
  if (process.env.ELECTRON_RENDERER_URL && url.startsWith(process.env.ELECTRON_RENDERER_URL)) return true
  return url.startsWith(pathToFileURL(RENDERER_INDEX).href)
}

ipcMain.handle('iclas:call', async (e, method: unknown, params: unknown) => {
  if (!trustedSender(e.sender, e.senderFrame?.url))
    return { ok: false, error: { code: 'forbidden', message: 'Untrusted sender' } }
  if (typeof method !== 'string' || !METHODS.has(method)) {
    return {
      ok: false,
      error: { code: 'unknown_method', message: `Unknown method "${String(method).slice(0, 80)}"` },
    }
  }
  return core.call(e.sender.id, method, params)
})

// The preload asks once, synchronously, for its window's media key (src/main/app/session-routing.ts).
ipcMain.on('iclas:media-key', (e) => {
  e.returnValue = trustedSender(e.sender, e.senderFrame?.url) ? mediaKeys.keyFor(e.sender.id) : ''
})

ipcMain.handle('iclas:choose-files', async (e, kind: unknown) => {
  if (!trustedSender(e.sender, e.senderFrame?.url)) return []
  const win = BrowserWindow.fromWebContents(e.sender)
  const opts: Electron.OpenDialogOptions = {
    title: kind === 'folder' ? 'Choose a folder of recordings' : 'Choose recordings',
    properties: kind === 'folder' ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
    filters:
      kind === 'folder'
        ? undefined
        : [
            {
              name: 'Audio',
              extensions: [
                'wav',
                'flac',
                'mp3',
                'ogg',
                'opus',
                '3gp',
                'amr',
                'caf',
                'm4a',
                'aac',
                'rf64',
                'bwf',
              ],
            },
            { name: 'All files', extensions: ['*'] },
          ],
  }
  const res = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts)
  if (res.canceled || !res.filePaths.length) return []
  return core.grant(e.sender.id, res.filePaths)
})

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1440,
    height: 920,
    minWidth: 1024,
    minHeight: 700,
    title: 'ICLAS',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  const wcId = win.webContents.id
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    core.closeSession(wcId)
    mediaKeys.forget(wcId)
  })
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(RENDERER_INDEX)
}

app.on('web-contents-created', (_e, contents) => {
  // No new windows, no navigation away from the app, no webviews.
  // Not even to the system browser: a link could carry an infant's identifiers off the machine.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (e, url) => {
    if (url !== contents.getURL()) e.preventDefault()
  })
  contents.on('will-redirect', (e) => e.preventDefault())
  contents.on('will-attach-webview', (e) => e.preventDefault())
})

app.whenReady().then(() => {
  // Windows shows an app's notifications only under an application user model id.
  if (process.platform === 'win32') app.setAppUserModelId('ICLAS')
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
  // No remote content: block every request that is not our page, its assets or our media scheme.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const ok =
      /^(file|iclas-media|devtools|data|blob):/.test(details.url) ||
      (!!process.env.ELECTRON_RENDERER_URL &&
        details.url.startsWith(
          process.env.ELECTRON_RENDERER_URL.replace(/^http/, 'ws').replace(/\/$/, ''),
        )) ||
      (!!process.env.ELECTRON_RENDERER_URL && details.url.startsWith(process.env.ELECTRON_RENDERER_URL))
    callback({ cancel: !ok })
  })
  protocol.handle('iclas-media', (req) => serveMedia(req))
  Menu.setApplicationMenu(buildMenu())
  core.start()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
app.on('before-quit', () => {
  alertNotifications.dispose()
  core.stop()
})

/**
 * iclas-media://recordings/<id>.wav?k=<window key> → the recording's working copy, with Range support for
 * seeking; only to a window whose session is signed in with a role that may hear recordings (the core decides,
 * by the rule browser mode's /media follows).
 */
async function serveMedia(req: Request): Promise<Response> {
  const m = parseMediaUrl(req.url)
  if (!m) return new Response('Not found', { status: 404 })
  const webContentsId = mediaKeys.windowOf(m.key)
  const file = webContentsId === undefined ? 'forbidden' : await core.mediaFile(webContentsId, m.recordingId)
  if (file === 'forbidden') return new Response('Sign in to listen to recordings', { status: 403 })
  if (!file || !fs.existsSync(file)) return new Response('Not found', { status: 404 })
  const size = fs.statSync(file).size
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.get('range') ?? '')
  let start = 0
  let end = size - 1
  let status = 200
  if (range && (range[1] || range[2])) {
    start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]))
    end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1
    if (start > end)
      return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } })
    status = 206
  }
  const stream = fs.createReadStream(file, { start, end })
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      stream.on('data', (chunk) => controller.enqueue(new Uint8Array(chunk as Buffer)))
      stream.on('end', () => controller.close())
      stream.on('error', (err) => controller.error(err))
    },
    cancel() {
      stream.destroy()
    },
  })
  const headers: Record<string, string> = {
    'Content-Type': 'audio/wav',
    'Content-Length': String(end - start + 1),
    'Accept-Ranges': 'bytes',
  }
  if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${size}`
  return new Response(body, { status, headers })
}

function buildMenu(): Menu {
  return Menu.buildFromTemplate([
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ])
}

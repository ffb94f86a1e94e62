// `iclas serve`: browser mode — the workstation core behind a loopback HTTP + WebSocket server.
import path from 'node:path'
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { Core } from '../../core/core'
import { demoShapeFromEnv } from '../../core/services/demo'
import { DEFAULT_PORT, FALLBACK_PORTS, portCandidates } from '../../server/listen'
import { startRecoveryServer } from '../../server/recovery'
import { startServer } from '../../server/server'
import { StoreDamagedError } from '../../store/db'
import type { CliCommand } from '../command'
import { resolveDataDir } from '../data-dir'

const USAGE = `usage: iclas serve [--data-dir DIR] [--port N] [--renderer DIR] [--token TOKEN] [--no-demo]

Starts browser mode on 127.0.0.1 and prints the URL to open (it carries the per-launch access token).
The address is http://127.0.0.1:${DEFAULT_PORT}/ unless that port is taken (then the next free one up to
${DEFAULT_PORT + FALLBACK_PORTS}, then any); --port N uses port N or fails, --port 0 any free port.
On the first start of a new data folder the demo ward is built in the background (--no-demo or
ICLAS_NO_DEMO=1 skips it for this start; ICLAS_DEMO_CONFIG='{"infants":2,"days":2}' reshapes it).`

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Start the workstation in browser mode (loopback HTTP + WebSocket)',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        renderer: { type: 'string' },
        token: { type: 'string' },
        'url-file': { type: 'string' },
        'no-demo': { type: 'boolean' },
      },
    })
    const rendererDir = path.resolve(values.renderer ?? path.join(process.cwd(), 'out', 'renderer'))
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
      console.error(
        `iclas serve: no built renderer in ${rendererDir}. Run \`npm run build\` first (npm start does it for you).`,
      )
      return 1
    }
    const dataDir = resolveDataDir(values['data-dir'])
    const demoShape = demoShapeFromEnv()
    const named = values.port === undefined ? undefined : Number(values.port)
    if (named !== undefined && !(Number.isInteger(named) && named >= 0 && named <= 65535)) {
      console.error(`iclas serve: --port wants a port number (0–65535), not "${values.port}"`)
      return 2
    }
    let port: number | number[] = portCandidates(named)
    let token = values.token
    let core: Core
    try {
      core = new Core({ dataDir, mode: 'browser', demoShape })
    } catch (err) {
      if (!(err instanceof StoreDamagedError)) throw err
      // The way out, in the browser: a recovery page on the same address until the user has chosen.
      console.error(`iclas serve: ${err.message}`)
      const rescue = await startRecoveryServer({
        dataDir,
        problem: err.message,
        port,
        token,
        log: (l) => console.log(`[recovery] ${l}`),
      })
      console.log(`Open ${rescue.launchUrl} to restore a backup or start empty`)
      if (values['url-file']) fs.writeFileSync(values['url-file'], rescue.launchUrl)
      await rescue.repaired
      await rescue.close()
      ;({ port, token } = rescue)
      core = new Core({ dataDir, mode: 'browser', demoShape })
    }
    core.recover()
    // In the background: the server answers at once and the ward screen shows the build's progress.
    core.demo.startOnFirstRun({
      skip: values['no-demo'] || process.env.ICLAS_NO_DEMO === '1',
      shape: demoShape,
    })
    let server
    try {
      server = await startServer({ core, rendererDir, port, token })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
      console.error(`iclas serve: port ${named} is in use; name another with --port, or --port 0 for any`)
      await core.close()
      return 1
    }
    if (named === undefined && server.port !== DEFAULT_PORT)
      console.log(`Port ${DEFAULT_PORT} is in use (another workstation?); using ${server.port}`)
    console.log(`ICLAS browser mode: data in ${dataDir}`)
    console.log(`Open ${server.launchUrl}`)
    if (values['url-file']) fs.writeFileSync(values['url-file'], server.launchUrl)
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await server.close()
    await core.close()
    return 0
  },
}

#!/usr/bin/env node
// The `iclas` command. Runs the TypeScript sources through tsx so the CLI always matches the checkout.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const tsx = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href
// `iclas bench` runs the benchmarks' own entry: the product (src/) never imports bench/.
const entry = process.argv[2] === 'bench' ? 'bench/main.ts' : 'src/main/cli/index.ts'
const args = process.argv.slice(entry === 'bench/main.ts' ? 3 : 2)
const child = spawn(process.execPath, ['--import', tsx, path.join(root, entry), ...args], {
  stdio: 'inherit',
})
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)))

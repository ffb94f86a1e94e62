// scripts/flip-fuses.mjs needs a packaged Electron binary, which this machine does not have; a stand-in file
// with Electron's fuse sentinel and a stock fuse wire (the bytes the real binary carries) shows the script
// flips exactly the fuses ICLAS wants and verifies them.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
// Electron's stock wire (index order of FuseV1Options): RunAsNode on, cookie encryption off, NODE_OPTIONS on,
// --inspect on, asar integrity off, only-from-asar off, browser V8 snapshot off, file:// privileges on, WASM traps on.
const STOCK = '101100011'

describe('flip-fuses script', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect, turns on asar integrity, asar-only and cookie encryption', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-fuses-'))
    const exe = path.join(dir, 'iclas')
    const wire = Buffer.concat([
      Buffer.from(SENTINEL),
      Buffer.from([1, STOCK.length]),
      Buffer.from(STOCK, 'latin1'),
    ])
    fs.writeFileSync(exe, Buffer.concat([Buffer.alloc(5000, 7), wire, Buffer.alloc(3000, 9)]))
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/flip-fuses.mjs'), exe], {
      encoding: 'utf8',
    })
    expect(r.status, r.stderr + r.stdout).toBe(0)
    const after = fs.readFileSync(exe)
    const at = after.indexOf(SENTINEL) + SENTINEL.length + 2
    expect(after.toString('latin1', at, at + STOCK.length)).toBe('010011011')
    expect(r.stdout).toMatch(/✓ RunAsNode\s+off/)
    expect(r.stdout).toMatch(/✓ EnableEmbeddedAsarIntegrityValidation\s+on/)
    expect(r.stdout).not.toMatch(/✗/)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('says plainly that it needs the packaged binary', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/flip-fuses.mjs')], { encoding: 'utf8' })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/packaged Electron binary/)
  })
})

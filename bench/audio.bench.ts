// `iclas bench audio`: stage-0 throughput and memory on long generated ward recordings (16 kHz mono and
// 48 kHz stereo WAV, 1 h up to 24 h), side by side in one run with the ffmpeg binary (soxr and its default
// resampler) and Debian's sox doing decode + resample alone on the same file. Each run is its own process
// (bench/audio-child.ts); peak memory is the largest resident set of its whole process tree (node + ffmpeg),
// sampled from /proc. The files are generated in a temporary folder and deleted afterwards.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { BenchSuite } from './suite'
import { ffmpegPath } from '../src/main/engine/audio/ffmpeg'
import { soxrArgs } from '../src/main/engine/audio/resample'

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const TSX = path.join(REPO, 'node_modules/tsx/dist/loader.mjs')
const CHILD = path.join(REPO, 'bench/audio-child.ts')

interface Row {
  file: string
  run: string
  audio_s: number
  wall_s: number
  x_realtime: number
  cpu_s: number | null
  x_realtime_per_cpu_s: number | null
  peak_rss_mb: number
  cries: number | null
  note?: string
}

const USAGE_NOTE = `options: --hours LIST (48 kHz stereo lengths, default 1,24) --hours-16k H (default 1) --no-16k --tmp DIR --import-hours N --json FILE`

export const audioBench: BenchSuite = {
  name: 'audio',
  summary: 'Stage 0: decode + resample + segment ×realtime and peak RSS, 1 h–24 h WAV, vs ffmpeg and sox',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      strict: false,
      allowPositionals: true,
      options: {
        hours: { type: 'string', default: '1,24' },
        'hours-16k': { type: 'string', default: '1' },
        'no-16k': { type: 'boolean' },
        tmp: { type: 'string' },
        'import-hours': { type: 'string', default: '1' },
        json: { type: 'string' },
      },
    })
    console.log(USAGE_NOTE)
    const tmpRoot = fs.mkdtempSync(path.join(String(values.tmp ?? os.tmpdir()), 'iclas-audio-bench-'))
    const rows: Row[] = []
    const plan: { rate: number; channels: number; hours: number }[] = []
    if (!values['no-16k']) plan.push({ rate: 16000, channels: 1, hours: Number(values['hours-16k']) })
    for (const h of String(values.hours)
      .split(',')
      .map(Number)
      .filter((h) => h > 0))
      plan.push({ rate: 48000, channels: 2, hours: h })
    const importHours = Number(values['import-hours'])
    console.log(
      `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    )
    try {
      for (const p of plan) {
        const bytes = p.rate * p.channels * 2 * 3600 * p.hours
        const free = freeBytes(tmpRoot)
        const workingCopy = p.hours <= importHours ? 16000 * 2 * 3600 * p.hours : 0
        if (bytes + workingCopy + 2e9 > free) {
          console.log(
            `skipping ${p.hours} h at ${p.rate} Hz × ${p.channels}: needs ${gb(bytes + workingCopy)} GB, ${gb(free)} GB free in ${tmpRoot}`,
          )
          continue
        }
        const file = path.join(tmpRoot, `ward-${p.rate}-${p.channels}ch-${p.hours}h.wav`)
        const g0 = performance.now()
        await writeWardWav(file, p.rate, p.channels, p.hours)
        const label = `${p.hours} h ${p.rate / 1000} kHz ${p.channels === 1 ? 'mono' : 'stereo'}`
        console.log(
          `\n${label}: ${gb(fs.statSync(file).size)} GB written in ${((performance.now() - g0) / 1000).toFixed(0)} s`,
        )
        const add = (r: Row) => {
          rows.push(r)
          console.log(fmtRow(r))
        }
        console.log(HEADER)
        add(await child(label, 'ICLAS decode + resample + segment', ['pipeline', file]))
        if (p.hours <= importHours) {
          const out = path.join(tmpRoot, 'working-copy.wav')
          add(await child(label, 'ICLAS full import work (+ copy, peaks, measures)', ['import', file, out]))
          fs.rmSync(out, { force: true })
        }
        const ff = ffmpegPath()
        if (ff) {
          const decode = ['-nostdin', '-v', 'error', '-i', file]
          add(
            await tool(
              label,
              'ffmpeg decode + resample (soxr, as ICLAS)',
              ff,
              [...decode, ...soxrArgs(), '-y', '/dev/null'],
              p.hours,
            ),
          )
          add(
            await tool(
              label,
              'ffmpeg decode + resample (default swr)',
              ff,
              [...decode, '-ar', '16000', '-ac', '1', '-f', 'f32le', '-y', '/dev/null'],
              p.hours,
            ),
          )
        }
        const sox = ['/usr/bin/sox', '/usr/local/bin/sox'].find((s) => fs.existsSync(s))
        if (sox)
          add(
            await tool(
              label,
              'sox decode + resample',
              sox,
              [file, '-t', 'f32', '-c', '1', '-r', '16000', '/dev/null'],
              p.hours,
            ),
          )
        else console.log('  (sox not installed: skipped)')
        if (
          p.rate !== 16000 &&
          p.hours === Math.min(...plan.filter((q) => q.rate !== 16000).map((q) => q.hours))
        )
          add(
            await child(label, 'libsamplerate-js resample only (first 10 min)', [
              'libsamplerate',
              file,
              '600',
            ]),
          )
        fs.rmSync(file, { force: true })
      }
    } finally {
      fs.rmSync(tmpRoot, { recursive: true, force: true })
    }
    summarise(rows)
    if (values.json)
      fs.writeFileSync(String(values.json), JSON.stringify({ suite: 'audio', rows }, null, 2) + '\n')
  },
}

const HEADER = `  ${'run'.padEnd(50)} ${'audio'.padStart(8)} ${'wall s'.padStart(8)} ${'×rt'.padStart(7)} ${'CPU s'.padStart(8)} ${'×rt/CPU'.padStart(8)} ${'peak RSS'.padStart(9)}  cries`

function fmtRow(r: Row): string {
  const audio =
    r.audio_s >= 3600 ? `${(r.audio_s / 3600).toFixed(1)} h` : `${(r.audio_s / 60).toFixed(0)} min`
  return `  ${r.run.padEnd(50)} ${audio.padStart(8)} ${r.wall_s.toFixed(1).padStart(8)} ${r.x_realtime.toFixed(0).padStart(7)} ${(r.cpu_s?.toFixed(1) ?? '-').padStart(8)} ${(r.x_realtime_per_cpu_s?.toFixed(0) ?? '-').padStart(8)} ${`${r.peak_rss_mb.toFixed(0)} MB`.padStart(9)}  ${r.cries ?? '-'}${r.note ? `  (${r.note})` : ''}`
}

function summarise(rows: Row[]): void {
  const ours = rows.filter((r) => r.run.startsWith('ICLAS decode'))
  if (!ours.length) return
  console.log('\nICLAS decode + resample + segment, by file:')
  for (const r of ours)
    console.log(
      `  ${r.file.padEnd(24)} ${r.x_realtime.toFixed(0).padStart(6)}× realtime   peak RSS ${r.peak_rss_mb.toFixed(0)} MB`,
    )
}

/** Runs bench/audio-child.ts and samples the RSS of its process tree. */
async function child(file: string, run: string, args: string[]): Promise<Row> {
  const { stdout, peakMB, wallS, code, stderr } = await measured(process.execPath, [
    '--import',
    TSX,
    CHILD,
    ...args,
  ])
  if (code !== 0)
    return {
      file,
      run,
      audio_s: 0,
      wall_s: wallS,
      x_realtime: 0,
      cpu_s: null,
      x_realtime_per_cpu_s: null,
      peak_rss_mb: peakMB,
      cries: null,
      note: `failed: ${stderr.trim().split('\n').pop()}`,
    }
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as {
    audioS: number
    wallS: number
    cpuS: number
    cries: number
  }
  return {
    file,
    run,
    audio_s: r.audioS,
    wall_s: r.wallS,
    x_realtime: r.audioS / r.wallS,
    // CPU of the node process only (ffmpeg runs beside it on the other core).
    cpu_s: r.cpuS,
    x_realtime_per_cpu_s: r.audioS / r.cpuS,
    peak_rss_mb: peakMB,
    cries: r.cries,
  }
}

async function tool(file: string, run: string, bin: string, args: string[], hours: number): Promise<Row> {
  const { peakMB, wallS, code, stderr, cpuS } = await measured(bin, args)
  const audioS = hours * 3600
  return {
    file,
    run,
    audio_s: audioS,
    wall_s: wallS,
    x_realtime: audioS / wallS,
    cpu_s: cpuS,
    x_realtime_per_cpu_s: cpuS ? audioS / cpuS : null,
    peak_rss_mb: peakMB,
    cries: null,
    note: code === 0 ? undefined : `failed: ${stderr.trim().split('\n').pop()}`,
  }
}

async function measured(
  bin: string,
  args: string[],
): Promise<{
  stdout: string
  stderr: string
  code: number | null
  wallS: number
  peakMB: number
  cpuS: number | null
}> {
  const t0 = performance.now()
  const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  p.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  let peak = 0
  let cpuTicks = 0
  const timer = setInterval(() => {
    const t = treeStats(p.pid!)
    peak = Math.max(peak, t.rssKB)
    cpuTicks = Math.max(cpuTicks, t.cpuTicks)
  }, 50)
  const code = await new Promise<number | null>((resolve) => p.on('close', resolve))
  clearInterval(timer)
  const ticks = 100 // USER_HZ on Linux
  return {
    stdout,
    stderr,
    code,
    wallS: (performance.now() - t0) / 1000,
    peakMB: peak / 1024,
    cpuS: cpuTicks ? cpuTicks / ticks : null,
  }
}

/** Resident set (kB) and CPU ticks of a process and all its descendants, from /proc. */
function treeStats(pid: number): { rssKB: number; cpuTicks: number } {
  let rssKB = 0
  let cpuTicks = 0
  const visit = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8')
      rssKB += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')
      cpuTicks += Number(stat[11]) + Number(stat[12])
      for (const task of fs.readdirSync(`/proc/${p}/task`)) {
        const kids = fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim()
        for (const k of kids ? kids.split(/\s+/) : []) visit(Number(k))
      }
    } catch {
      // the process ended between listing and reading
    }
  }
  visit(pid)
  return { rssKB, cpuTicks }
}

function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir)
  return s.bavail * s.bsize
}

const gb = (b: number) => (b / 1e9).toFixed(1)

/**
 * A ward-like recording: −55 dBFS hiss and 50 Hz hum throughout; each minute a 15 s cry bout (expirations
 * with rising-falling f0 around 350–600 Hz), 10 s of monitor beeps and 7 s of adult-pitched voice. One minute
 * is synthesised, then written with a slowly varying gain per minute; RF64 when over 4 GB.
 */
async function writeWardWav(file: string, rate: number, channels: number, hours: number): Promise<void> {
  const minute = wardMinute(rate)
  const frames = rate * 60
  const minutes = Math.round(hours * 60)
  const dataBytes = frames * channels * 2 * minutes
  const fh = await fs.promises.open(file, 'w')
  try {
    const header = wavHeader(rate, channels, dataBytes)
    await fh.write(header)
    const pcm = new Int16Array(frames * channels)
    for (let m = 0; m < minutes; m++) {
      const gain = 0.7 + 0.3 * Math.sin(m / 7)
      for (let i = 0; i < frames; i++) {
        const v = minute[i]! * gain
        for (let c = 0; c < channels; c++) {
          const s = v * (c === 0 ? 1 : 0.9)
          pcm[i * channels + c] = s >= 1 ? 32767 : s <= -1 ? -32767 : Math.round(s * 32767)
        }
      }
      await fh.write(Buffer.from(pcm.buffer))
    }
  } finally {
    await fh.close()
  }
}

function wavHeader(rate: number, channels: number, dataBytes: number): Buffer {
  const rf64 = dataBytes + 36 > 0xffffffff
  const h = Buffer.alloc(rf64 ? 80 : 44)
  let o = 0
  const tag = (s: string) => {
    h.write(s, o, 'latin1')
    o += 4
  }
  const u32 = (v: number) => {
    h.writeUInt32LE(v, o)
    o += 4
  }
  tag(rf64 ? 'RF64' : 'RIFF')
  u32(rf64 ? 0xffffffff : 36 + dataBytes)
  tag('WAVE')
  if (rf64) {
    tag('ds64')
    u32(28)
    h.writeBigUInt64LE(BigInt(72 + dataBytes), o)
    h.writeBigUInt64LE(BigInt(dataBytes), o + 8)
    h.writeBigUInt64LE(BigInt(dataBytes / (channels * 2)), o + 16)
    h.writeUInt32LE(0, o + 24)
    o += 28
  }
  tag('fmt ')
  u32(16)
  h.writeUInt16LE(1, o)
  h.writeUInt16LE(channels, o + 2)
  h.writeUInt32LE(rate, o + 4)
  h.writeUInt32LE(rate * channels * 2, o + 8)
  h.writeUInt16LE(channels * 2, o + 12)
  h.writeUInt16LE(16, o + 14)
  o += 16
  tag('data')
  u32(rf64 ? 0xffffffff : dataBytes)
  return h
}

function wardMinute(rate: number): Float32Array {
  const n = rate * 60
  const x = new Float32Array(n)
  let seed = 42
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1
  for (let i = 0; i < n; i++) x[i] = 0.0018 * rand() + 0.0056 * Math.sin((2 * Math.PI * 50 * i) / rate)
  const voice = (atS: number, durS: number, f0: [number, number, number], amp: number, vibrato: number) => {
    const a = Math.round(atS * rate)
    const len = Math.round(durS * rate)
    let phase = 0
    for (let i = 0; i < len && a + i < n; i++) {
      const u = i / len
      const base = u < 0.5 ? f0[0] + (f0[1] - f0[0]) * 2 * u : f0[1] + (f0[2] - f0[1]) * (2 * u - 1)
      const f = base * (1 + vibrato * Math.sin((2 * Math.PI * 6 * i) / rate))
      phase += (2 * Math.PI * f) / rate
      let v = 0
      for (let k = 1; k <= 10 && k * f < Math.min(rate / 2, 7000); k++) v += Math.sin(k * phase) / k
      x[a + i]! += amp * Math.min(1, i / (0.03 * rate), (len - i) / (0.03 * rate)) * v
    }
  }
  let t = 5
  for (let k = 0; t < 20; k++) {
    const len = 0.5 + (0.7 * ((k * 37) % 11)) / 10
    const f = 340 + 40 * (k % 5)
    voice(t, len, [f, f * 1.4, f * 0.9], 0.2, 0.02)
    t += len + 0.3 + (0.2 * ((k * 13) % 7)) / 6
  }
  for (let s = 30; s < 40; s++) voice(s, 0.3, [960, 960, 960], 0.15, 0)
  for (let s = 45; s < 52; s += 0.9) voice(s, 0.6, [130, 170, 120], 0.15, 0.02)
  return x
}

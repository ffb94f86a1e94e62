// One measured run of `iclas bench audio`, in its own process so its peak memory is its own:
//   pipeline FILE        decode + resample + segment (the stage-0 stream without writing anything)
//   import FILE OUT.wav  processRecording: the above plus working copy, peaks, clipping and measures
//   libsamplerate FILE S decode + in-process libsamplerate resampling of the first S seconds
// Prints one JSON line: audio seconds, wall and CPU seconds, peak RSS of this process, cries found.
import { decode16k, probeAudio } from '../src/main/engine/audio/decode'
import { processRecording } from '../src/main/engine/audio/pipeline'
import { HighPass } from '../src/main/engine/audio/preprocess'
import { PIPELINE_RATE, resampleStream } from '../src/main/engine/audio/resample'
import { CrySegmenter } from '../src/main/engine/audio/segment'
import { readWavInfo, readWavMono } from '../src/main/engine/audio/wav'

async function main(): Promise<void> {
  const [mode, file, arg] = process.argv.slice(2)
  if (!mode || !file) throw new Error('usage: audio-child pipeline|import|libsamplerate FILE [ARG]')
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let audioS = 0
  let cries = 0
  if (mode === 'pipeline') {
    const probe = await probeAudio(file)
    const hp = new HighPass()
    const seg = new CrySegmenter()
    let n = 0
    for await (const chunk of decode16k(file, probe)) {
      n += chunk.length
      cries += seg.push(hp.process(chunk)).length
    }
    cries += seg.finish().length
    audioS = n / PIPELINE_RATE
  } else if (mode === 'import') {
    const r = await processRecording({ sourcePath: file, workingCopyPath: arg! })
    audioS = r.durationS
    cries = r.cries.length
  } else if (mode === 'libsamplerate') {
    const info = await readWavInfo(file)
    const limit = Number(arg ?? 600) * info.sampleRate
    async function* head() {
      let n = 0
      for await (const c of readWavMono(file, info)) {
        if (n >= limit) return
        yield c
        n += c.length
      }
    }
    let n = 0
    for await (const c of resampleStream(head(), info.sampleRate, PIPELINE_RATE)) n += c.length
    audioS = n / PIPELINE_RATE
  } else throw new Error(`unknown mode ${mode}`)
  const cpu = process.cpuUsage(c0)
  process.stdout.write(
    JSON.stringify({
      audioS,
      wallS: (performance.now() - t0) / 1000,
      cpuS: (cpu.user + cpu.system) / 1e6,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      cries,
    }) + '\n',
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

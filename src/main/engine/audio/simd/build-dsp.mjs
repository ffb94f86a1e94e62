// Rebuilds dsp-wasm.ts from dsp.as.ts with AssemblyScript (devDependency):
//   node src/main/engine/audio/simd/build-dsp.mjs [--check]
// The output is committed, so running the app or the tests never needs the compiler; --check (used by the unit
// test) exits 1 when the committed module no longer matches its source. The work is engine/wasm-build.mjs's.
import { runWasmBuild } from '../../wasm-build.mjs'

await runWasmBuild(import.meta.url, {
  source: 'dsp.as.ts',
  out: 'dsp-wasm.ts',
  exportName: 'DSP_WASM_BASE64',
})

// Rebuilds kernels-wasm.ts from kernels.as.ts with AssemblyScript (devDependency):
//   node src/main/engine/anomaly/simd/build-kernels.mjs [--check]
// The output is committed, so running the app or the tests never needs the compiler; --check (used by the unit
// test) exits 1 when the committed module no longer matches its source. The work is engine/wasm-build.mjs's.
import { runWasmBuild } from '../../wasm-build.mjs'

await runWasmBuild(import.meta.url, {
  source: 'kernels.as.ts',
  out: 'kernels-wasm.ts',
  exportName: 'KERNELS_WASM_BASE64',
})

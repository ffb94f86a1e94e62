// WebAssembly SIMD kernels (kernels.as.ts) behind a small arena: a fit sizes its buffers once, gets one private
// memory and typed-array views into it, and calls the kernels with the views' byte offsets. The memory never grows
// after allocation, so views stay valid; each arena is owned by one fit or model, so nothing is shared.
import { KERNELS_WASM_BASE64 } from './kernels-wasm'
import { wasm, WasmArena } from '../../wasm-arena'

interface KernelExports {
  gemmAbtF64(a: number, m: number, b: number, n: number, k: number, c: number, ldc: number): void
  dotsByIndexF64(x: number, d: number, a: number, idx: number, m: number, out: number): void
  mahalanobisF64(
    x: number,
    n: number,
    d: number,
    mean: number,
    ut: number,
    out: number,
    y: number,
    scratch: number,
  ): void
  weightedColumnSumsF64(x: number, n: number, d: number, w: number, out: number): void
  traceTriQuadF64(ut: number, s: number, d: number, t: number): number
  sqDistsToF64(x: number, n: number, d: number, p: number, out: number): void
  sumsByLabelF64(x: number, n: number, d: number, labels: number, sums: number): void
  nearestCentreF64(
    x: number,
    n: number,
    d: number,
    ct: number,
    k: number,
    kp: number,
    labels: number,
    dist: number,
    acc: number,
  ): void
  scatterF64(
    x: number,
    n: number,
    d: number,
    mean: number,
    sw: number,
    out: number,
    buf: number,
    blk: number,
    ldb: number,
  ): void
  gemmAbtF32(a: number, m: number, b: number, n: number, k: number, c: number, accumulate: number): void
  adamF32(
    p: number,
    g: number,
    m: number,
    v: number,
    count: number,
    beta1: number,
    beta2: number,
    stepSize: number,
    bc2: number,
    eps: number,
  ): void
  expNegF64(x: number, m: number, out: number): void
  rbfEntriesF64(
    x: number,
    d: number,
    sq: number,
    gamma: number,
    a: number,
    idx: number,
    m: number,
    dots: number,
    row: number,
  ): void
  rbfRowsBlockF64(
    block: number,
    m: number,
    x: number,
    l: number,
    d: number,
    sq: number,
    sqBlock: number,
    gamma: number,
    dots: number,
    rows: number,
    rowStride: number,
  ): void
  choleskyF64(a: number, d: number): number
  inverseLowerF64(l: number, d: number, inv: number): void
  gemmBroadcastF32(
    a: number,
    sai: number,
    sat: number,
    m: number,
    b: number,
    n: number,
    k: number,
    c: number,
    accumulate: number,
  ): void
}

// Compiling is pure and the module immutable: compile once per process, instantiate per arena.
let compiled: object | null = null
function kernelModule(): object {
  if (!wasm) throw new Error('WebAssembly is not available')
  compiled ??= new wasm.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'))
  return compiled
}

type Request = { f64?: number[]; f32?: number[]; i32?: number[] }

export class SimdArena extends WasmArena<KernelExports> {
  /** `bytes` is the total the caller will allocate (16-byte alignment padding is added here). */
  constructor(bytes: number, maxAllocations = 64) {
    super(kernelModule(), bytes, maxAllocations, 'SimdArena')
  }

  static bytes(r: Request): number {
    const sum = (xs: number[] | undefined, size: number) => (xs ?? []).reduce((s, v) => s + v * size, 0)
    return sum(r.f64, 8) + sum(r.f32, 4) + sum(r.i32, 4)
  }
}

/** Byte offset of a view into its arena's memory (what the kernels take as a pointer). */
export function ptr(view: { byteOffset: number }): number {
  return view.byteOffset
}

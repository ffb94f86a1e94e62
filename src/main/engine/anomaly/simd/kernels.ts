// WebAssembly SIMD kernels (kernels.as.ts) behind a small arena: a fit sizes its buffers once, gets one private
// memory and typed-array views into it, and calls the kernels with the views' byte offsets. The memory never grows
// after allocation, so views stay valid; each arena is owned by one fit or model, so nothing is shared.
import { KERNELS_WASM_BASE64 } from './kernels-wasm'

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

// The slice of the WebAssembly JS API used here (the project's Node typings do not declare it).
interface WasmMemory {
  readonly buffer: ArrayBuffer
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: object }
  Memory: new (descriptor: { initial: number }) => WasmMemory
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

// Compiling is pure and the module immutable: compile once per process, instantiate per arena.
let compiled: object | null = null
function kernelModule(): object {
  compiled ??= new wasm.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'))
  return compiled
}

const PAGE = 65536
/** Below this the module may keep its own static data. */
const RESERVED = PAGE

type Request = { f64?: number[]; f32?: number[]; i32?: number[] }

export class SimdArena {
  readonly k: KernelExports
  readonly memory: WasmMemory
  private top = RESERVED
  private readonly end: number

  /** `bytes` is the total the caller will allocate (16-byte alignment padding is added here). */
  constructor(bytes: number, maxAllocations = 64) {
    this.end = RESERVED + bytes + 16 * maxAllocations
    this.memory = new wasm.Memory({ initial: Math.ceil(this.end / PAGE) })
    const instance = new wasm.Instance(kernelModule(), { env: { memory: this.memory } })
    this.k = instance.exports as unknown as KernelExports
  }

  static bytes(r: Request): number {
    const sum = (xs: number[] | undefined, size: number) => (xs ?? []).reduce((s, v) => s + v * size, 0)
    return sum(r.f64, 8) + sum(r.f32, 4) + sum(r.i32, 4)
  }

  private take(bytes: number): number {
    const ptr = (this.top + 15) & ~15
    if (ptr + bytes > this.memory.buffer.byteLength) throw new Error('SimdArena: out of reserved memory')
    this.top = ptr + bytes
    return ptr
  }

  f64(count: number): Float64Array {
    return new Float64Array(this.memory.buffer, this.take(count * 8), count)
  }

  f32(count: number): Float32Array {
    return new Float32Array(this.memory.buffer, this.take(count * 4), count)
  }

  i32(count: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.take(count * 4), count)
  }
}

/** Byte offset of a view into its arena's memory (what the kernels take as a pointer). */
export function ptr(view: { byteOffset: number }): number {
  return view.byteOffset
}

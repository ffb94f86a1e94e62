// The memory the engine's WebAssembly SIMD kernels work in (anomaly/simd/kernels.ts, audio/simd/dsp.ts): one
// instance of a compiled module per arena, with a linear memory the caller sizes up front and carves into typed
// views, 16-byte aligned, above the module's own static data. Hand-written: a bump allocator of a few lines.

// The slice of the WebAssembly JS API used here (the project's Node typings do not declare it).
export interface WasmMemory {
  readonly buffer: ArrayBuffer
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: object }
  Memory: new (descriptor: { initial: number }) => WasmMemory
}
/** The runtime's WebAssembly, or undefined where there is none. */
export const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly

const PAGE = 65536
/** Below this the module may keep its own static data. */
const RESERVED = PAGE

export class WasmArena<K> {
  readonly k: K
  readonly memory: WasmMemory
  private top = RESERVED

  /** `bytes` is the total the caller will allocate (16-byte alignment padding is added here). */
  constructor(
    module: object,
    bytes: number,
    maxAllocations: number,
    private readonly name: string,
  ) {
    if (!wasm) throw new Error('WebAssembly is not available')
    this.memory = new wasm.Memory({ initial: Math.ceil((RESERVED + bytes + 16 * maxAllocations) / PAGE) })
    this.k = new wasm.Instance(module, { env: { memory: this.memory } }).exports as unknown as K
  }

  private take(bytes: number): number {
    const ptr = (this.top + 15) & ~15
    if (ptr + bytes > this.memory.buffer.byteLength) throw new Error(`${this.name}: out of reserved memory`)
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

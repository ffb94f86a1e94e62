// The signal kernels of dsp.as.ts behind a small arena, as the anomaly models' SIMD kernels are: an owner sizes
// its buffers once, gets one private memory and typed-array views into it, and passes the views' byte offsets.
// The memory never grows, so views stay valid; an owner that needs more builds a larger arena.
import { DSP_WASM_BASE64 } from './dsp-wasm'
import { wasm, WasmArena } from '../../wasm-arena'

export interface DspExports {
  fbankF64(
    wave: number,
    frames: number,
    shift: number,
    w: number,
    pre: number,
    removeDc: number,
    win: number,
    prefix: number,
    z: number,
    half: number,
    rev: number,
    twC: number,
    twS: number,
    twRe: number,
    twIm: number,
    firstBin: number,
    endBin: number,
    band: number,
    low: number,
    high: number,
    energies: number,
    spec: number,
    bins: number,
    floor: number,
    out: number,
  ): void
  logF64(x: number, m: number, out: number): void
  stftPowerF64(
    ring: number,
    oldest: number,
    win: number,
    z: number,
    half: number,
    rev: number,
    twC: number,
    twS: number,
    twRe: number,
    twIm: number,
    out: number,
  ): void
  autocorrelationF64(
    power: number,
    windowAc: number,
    z: number,
    half: number,
    rev: number,
    twC: number,
    twS: number,
    twRe: number,
    twIm: number,
    out: number,
  ): void
  rankedColumnsF64(
    rows: number,
    count: number,
    bins: number,
    keep: number,
    rank: number,
    bias: number,
    eps: number,
    sorted: number,
    out: number,
  ): void
  mlpF64(
    x: number,
    inputs: number,
    mean: number,
    inv: number,
    act: number,
    layers: number,
    count: number,
  ): number
}

let compiled: object | null | undefined
/** The compiled module, or null where this runtime has no WebAssembly SIMD (callers keep a JavaScript path). */
function dspModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = wasm ? new wasm.Module(Buffer.from(DSP_WASM_BASE64, 'base64')) : null
    } catch {
      compiled = null
    }
  }
  return compiled
}

/**
 * Off: the callers take their JavaScript paths (ICLAS_NO_SIMD=1 sets it for a process, so a benchmark can
 * measure before and after in one checkout; tests switch it to compare the paths). Read when an owner is built.
 */
let disabled = process.env.ICLAS_NO_SIMD === '1'
export function setDspDisabled(off: boolean): void {
  disabled = off
}

export function dspAvailable(): boolean {
  return !disabled && dspModule() !== null
}

export class DspArena extends WasmArena<DspExports> {
  /** `bytes` is the total the caller will allocate (16-byte alignment padding is added here). */
  constructor(bytes: number, maxAllocations = 32) {
    const module = dspModule()
    if (!module) throw new Error('WebAssembly SIMD is not available')
    super(module, bytes, maxAllocations, 'DspArena')
  }
}

/** Pointers of a half-size complex FFT's scratch and tables for a real frame of 2·half samples (see dsp.as.ts). */
export interface FftTables {
  half: number
  z: number
  rev: number
  twC: number
  twS: number
  twRe: number
  twIm: number
}

/** Doubles that fftTables takes from an arena (the i32 bit-reversal table counted as half a double each). */
export const fftTablesDoubles = (half: number) => 2 * half + 2 * half + 2 * half + 2 * (half + 1) + half

/**
 * Allocates and fills an FFT's tables: the bit reversal of the half-size indices, its twiddles e^(−2πij/half)
 * as [c, c] and [−s, s], and the split's cos and −sin of 2πk/(2·half) for k ≤ half.
 */
export function fftTables(arena: DspArena, half: number): FftTables {
  const z = arena.f64(2 * half)
  const rev = arena.i32(half)
  const bits = Math.round(Math.log2(half))
  for (let i = 0; i < half; i++) {
    let r = 0
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b)
    rev[i] = r
  }
  const twC = arena.f64(half)
  const twS = arena.f64(half)
  for (let j = 0; j < half / 2; j++) {
    const c = Math.cos((2 * Math.PI * j) / half)
    const s = -Math.sin((2 * Math.PI * j) / half)
    twC.set([c, c], 2 * j)
    twS.set([-s, s], 2 * j)
  }
  const twRe = arena.f64(half + 1)
  const twIm = arena.f64(half + 1)
  for (let k = 0; k <= half; k++) {
    twRe[k] = Math.cos((2 * Math.PI * k) / (2 * half))
    twIm[k] = -Math.sin((2 * Math.PI * k) / (2 * half))
  }
  const at = (v: { byteOffset: number }) => v.byteOffset
  return { half, z: at(z), rev: at(rev), twC: at(twC), twS: at(twS), twRe: at(twRe), twIm: at(twIm) }
}

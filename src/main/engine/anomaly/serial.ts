// Model weights as JSON-safe packed arrays: exact (the bytes of the typed array, base64) and ~3× smaller than
// decimal text, so a stored model version rescored later gives bit-identical scores.

export interface PackedArray {
  dtype: 'f32' | 'f64'
  shape: number[]
  base64: string
}

export function pack(a: Float32Array | Float64Array, shape: number[] = [a.length]): PackedArray {
  const count = shape.reduce((p, s) => p * s, 1)
  if (count !== a.length) throw new Error(`shape ${shape.join('×')} does not hold ${a.length} values`)
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength)
  return { dtype: a instanceof Float32Array ? 'f32' : 'f64', shape, base64: bytes.toString('base64') }
}

export function unpack(p: PackedArray): Float64Array {
  const bytes = Buffer.from(p.base64, 'base64')
  const copy = new Uint8Array(bytes) // aligned copy
  const src = p.dtype === 'f32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer)
  const count = p.shape.reduce((q, s) => q * s, 1)
  if (src.length !== count)
    throw new Error(`packed array: ${src.length} values for shape ${p.shape.join('×')}`)
  return src instanceof Float64Array ? src : Float64Array.from(src)
}

export function unpackF32(p: PackedArray): Float32Array {
  const v = unpack(p)
  return Float32Array.from(v)
}

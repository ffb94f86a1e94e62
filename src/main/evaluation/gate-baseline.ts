// The "for scale" method of protocol B: the share of 40 ms frames with a normalised autocorrelation peak above
// 0.5 for lags between 200 and 900 Hz. Deliberately trivial; it checks the metric code against the figure in
// docs/evaluation.md (AUC 0.68).
export function periodicFrameShare(samples16k: Float32Array, sampleRate = 16000): number {
  const frame = Math.round(0.04 * sampleRate)
  const minLag = Math.floor(sampleRate / 900)
  const maxLag = Math.ceil(sampleRate / 200)
  let frames = 0
  let periodic = 0
  for (let start = 0; start + frame <= samples16k.length; start += frame) {
    frames++
    let mean = 0
    for (let i = 0; i < frame; i++) mean += samples16k[start + i]!
    mean /= frame
    let e0 = 0
    for (let i = 0; i < frame; i++) e0 += (samples16k[start + i]! - mean) ** 2
    if (e0 <= 1e-12) continue
    let best = 0
    for (let lag = minLag; lag <= maxLag && lag < frame; lag++) {
      let r = 0
      for (let i = 0; i + lag < frame; i++)
        r += (samples16k[start + i]! - mean) * (samples16k[start + i + lag]! - mean)
      const v = r / e0
      if (v > best) best = v
    }
    if (best > 0.5) periodic++
  }
  return frames ? periodic / frames : 0
}

// The spectrogram's tiling: at a zoom level (pixels per second) the recording is cut into tiles TILE_PX wide;
// only the tiles in view (and one either side) are fetched from the core, cached by zoom level and index, and
// painted through a colour map. Pure, so it is unit-tested without a browser.

export const TILE_PX = 256

/** Seconds one tile spans at a zoom level. */
export const tileSeconds = (pxPerSec: number) => TILE_PX / pxPerSec

/** Indices of the tiles overlapping [viewStartS, viewEndS], widened by `margin` tiles, inside the recording. */
export function visibleTiles(
  pxPerSec: number,
  viewStartS: number,
  viewEndS: number,
  durationS: number,
  margin = 1,
): number[] {
  if (!(pxPerSec > 0) || !(durationS > 0)) return []
  const span = tileSeconds(pxPerSec)
  const last = Math.max(0, Math.ceil(durationS / span) - 1)
  const a = Math.max(0, Math.floor(Math.max(0, viewStartS) / span) - margin)
  const b = Math.min(last, Math.floor(Math.min(durationS, viewEndS) / span) + margin)
  const out: number[] = []
  for (let k = a; k <= b; k++) out.push(k)
  return out
}

/** Cache key of a tile: zoom levels that differ by less than 0.1 % share tiles. */
export const tileKey = (pxPerSec: number, index: number) => `${pxPerSec.toPrecision(4)}:${index}`

/** The time range of a tile, clipped to the recording. */
export function tileRange(
  pxPerSec: number,
  index: number,
  durationS: number,
): { startS: number; endS: number } {
  const span = tileSeconds(pxPerSec)
  const startS = index * span
  return { startS, endS: Math.max(startS + 1e-3, Math.min(durationS, startS + span)) }
}

// Colour maps as audio tools offer them, each a few stops of its published table, interpolated to 256 levels
// (no maintained npm package ships just the tables). "magma" (black → indigo → magenta → orange → pale yellow):
// quiet is dark in both themes and harmonics stand out at a bedside distance; "viridis" (blue → green →
// yellow) for colour-blind readers; "grey" as Praat prints (white is quiet, black is loud).
type Stop = [number, number, number, number]
const MAPS = {
  magma: [
    [0, 0, 0, 4],
    [0.25, 59, 15, 112],
    [0.5, 140, 41, 129],
    [0.75, 241, 96, 93],
    [1, 252, 253, 191],
  ],
  viridis: [
    [0, 68, 1, 84],
    [0.25, 59, 82, 139],
    [0.5, 33, 145, 140],
    [0.75, 94, 201, 98],
    [1, 253, 231, 37],
  ],
  grey: [
    [0, 255, 255, 255],
    [1, 0, 0, 0],
  ],
} satisfies Record<string, Stop[]>

export type ColourMapName = keyof typeof MAPS
export const COLOUR_MAPS = Object.keys(MAPS) as ColourMapName[]

export function colourMap(name: ColourMapName = 'magma'): Uint8ClampedArray {
  const stops: Stop[] = MAPS[name]
  const lut = new Uint8ClampedArray(256 * 3)
  for (let v = 0; v < 256; v++) {
    const x = v / 255
    let s = 0
    while (s < stops.length - 2 && x > stops[s + 1]![0]) s++
    const [x0, r0, g0, b0] = stops[s]!
    const [x1, r1, g1, b1] = stops[s + 1]!
    const t = (x - x0) / (x1 - x0)
    lut[3 * v] = r0 + (r1 - r0) * t
    lut[3 * v + 1] = g0 + (g1 - g0) * t
    lut[3 * v + 2] = b0 + (b1 - b0) * t
  }
  return lut
}

/** Tile bytes (base64, row-major, top row = highest frequency) → RGBA pixels for ImageData. */
export function tileToRgba(
  base64: string,
  width: number,
  height: number,
  lut: Uint8ClampedArray,
): Uint8ClampedArray {
  const bytes = atob(base64)
  const n = width * height
  if (bytes.length !== n) throw new Error(`spectrogram tile has ${bytes.length} bytes, expected ${n}`)
  const rgba = new Uint8ClampedArray(n * 4)
  for (let i = 0; i < n; i++) {
    const v = bytes.charCodeAt(i)
    rgba[4 * i] = lut[3 * v]!
    rgba[4 * i + 1] = lut[3 * v + 1]!
    rgba[4 * i + 2] = lut[3 * v + 2]!
    rgba[4 * i + 3] = 255
  }
  return rgba
}

// The spectrogram's tiling and colouring: which tiles a view needs, their time ranges, cache keys, and tile
// bytes turned into RGBA through the colour map.
import { describe, expect, it } from 'vitest'
import {
  colourMap,
  TILE_PX,
  tileKey,
  tileRange,
  tileSeconds,
  tileToRgba,
  visibleTiles,
} from '../../src/renderer/src/view-model/spectrogram-tiles'

describe('visibleTiles', () => {
  it('lists the tiles overlapping the view plus one either side, within the recording', () => {
    // 100 px/s → 2.56 s per tile; view 10–20 s → tiles 3..7, widened to 2..8
    expect(tileSeconds(100)).toBeCloseTo(TILE_PX / 100, 12)
    expect(visibleTiles(100, 10, 20, 3600)).toEqual([2, 3, 4, 5, 6, 7, 8])
    expect(visibleTiles(100, 0, 5, 3600)).toEqual([0, 1, 2])
    // near the end: nothing past the last tile (3600 s / 2.56 s → index 1406)
    expect(visibleTiles(100, 3598, 3605, 3600)).toEqual([1404, 1405, 1406])
  })

  it('covers a zoomed-out hour with a handful of tiles', () => {
    const pxPerSec = 1300 / 3600
    expect(visibleTiles(pxPerSec, 0, 3600, 3600)).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('returns nothing for a view with no size or no recording', () => {
    expect(visibleTiles(0, 0, 10, 10)).toEqual([])
    expect(visibleTiles(100, 0, 10, 0)).toEqual([])
  })
})

describe('tileRange and tileKey', () => {
  it('clips the last tile to the recording', () => {
    expect(tileRange(100, 0, 10)).toEqual({ startS: 0, endS: 2.56 })
    const last = tileRange(100, 3, 10)
    expect(last.startS).toBeCloseTo(7.68, 12)
    expect(last.endS).toBe(10)
  })
  it('shares tiles between zoom levels that differ only by float noise', () => {
    expect(tileKey(123.456789, 4)).toBe(tileKey(123.4567891, 4))
    expect(tileKey(123.4, 4)).not.toBe(tileKey(246.8, 4))
  })
})

describe('tileToRgba', () => {
  it('maps bytes through the colour map, dark for quiet and bright for loud, opaque', () => {
    const lut = colourMap()
    const b64 = btoa(String.fromCharCode(0, 128, 255, 64))
    const rgba = tileToRgba(b64, 2, 2, lut)
    expect(rgba).toHaveLength(16)
    expect([...rgba.slice(0, 4)]).toEqual([0, 0, 4, 255])
    expect([...rgba.slice(8, 12)]).toEqual([252, 253, 191, 255])
    const brightness = (i: number) => rgba[4 * i]! + rgba[4 * i + 1]! + rgba[4 * i + 2]!
    expect(brightness(3)).toBeGreaterThan(brightness(0))
    expect(brightness(1)).toBeGreaterThan(brightness(3))
    expect(brightness(2)).toBeGreaterThan(brightness(1))
  })
  it('refuses a tile whose size does not match', () => {
    expect(() => tileToRgba(btoa('abc'), 2, 2, colourMap())).toThrow(/3 bytes/)
  })
})

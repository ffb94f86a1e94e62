// The spectrogram under the waveform: a layer inside wavesurfer's scrolling wrapper (so it pans and zooms with
// the waveform, and a click on it seeks like a click on the waveform), filled with tiles the core computes.
// Only the tiles in view are requested, a few at a time; tiles are cached per zoom level and settings (window,
// dynamic range, top frequency; a colour map change repaints what is cached). Over the tiles, f0 and intensity
// may be drawn (Praat's view), and the level under the pointer is read back from the tiles' bytes.
import type WaveSurfer from 'wavesurfer.js'
import type { SelectionMeasures, SPECTROGRAM_WINDOWS, SpectrogramTile } from '../../../shared/contract'
import {
  colourMap,
  TILE_PX,
  tileKey,
  tileRange,
  tileToRgba,
  visibleTiles,
  type ColourMapName,
} from '../view-model/spectrogram-tiles'

export interface SpectrogramState {
  /** Tiles drawn for the current view. */
  drawn: number
  pending: number
  error: string | null
}

/** What the core computes a tile with; a change empties the cache. */
export interface TileSettings {
  windowSize: (typeof SPECTROGRAM_WINDOWS)[number]
  dynamicRangeDb: number
  maxHz: number
}

export interface SpectrogramLayerOptions {
  durationS: number
  height: number
  settings: TileSettings
  colourMap: ColourMapName
  fetchTile(
    req: { startS: number; endS: number; width: number; height: number } & TileSettings,
  ): Promise<SpectrogramTile>
  onState?(s: SpectrogramState): void
}

const MAX_IN_FLIGHT = 2
const MAX_CACHED = 160
const F0_COLOUR = '#38bdf8'
const INTENSITY_COLOUR = '#facc15'

export class SpectrogramLayer {
  readonly element: HTMLDivElement
  private readonly cache = new Map<string, HTMLCanvasElement>()
  private readonly tiles = new WeakMap<HTMLCanvasElement, SpectrogramTile>()
  private settings: TileSettings
  private lut: Uint8ClampedArray
  private overlay: HTMLCanvasElement | null = null
  private track: SelectionMeasures | null = null
  private readonly inFlight = new Set<string>()
  private queue: { key: string; index: number; pxPerSec: number }[] = []
  private pxPerSec = 0
  private shown = new Set<string>()
  private error: string | null = null
  private destroyed = false
  private readonly unsubscribe: (() => void)[] = []

  constructor(
    private readonly ws: WaveSurfer,
    private readonly options: SpectrogramLayerOptions,
  ) {
    const el = document.createElement('div')
    el.setAttribute('part', 'spectrogram')
    Object.assign(el.style, {
      position: 'relative',
      height: `${options.height}px`,
      overflow: 'hidden',
      background: '#000004',
      marginTop: '4px',
    })
    this.element = el
    this.settings = options.settings
    this.lut = colourMap(options.colourMap)
    ws.getWrapper().appendChild(el)
    const update = () => this.update()
    for (const ev of ['scroll', 'zoom', 'redraw', 'resize', 'decode'] as const)
      this.unsubscribe.push(ws.on(ev, update))
    update()
  }

  update(): void {
    if (this.destroyed) return
    const wrapper = this.ws.getWrapper()
    const total = wrapper.getBoundingClientRect().width
    const { durationS } = this.options
    if (!(total > 0) || !(durationS > 0)) return
    const pxPerSec = total / durationS
    if (Math.abs(pxPerSec - this.pxPerSec) / pxPerSec > 1e-3) {
      this.pxPerSec = pxPerSec
      this.queue = []
    }
    const scroll = this.ws.getScroll()
    const viewStart = scroll / pxPerSec
    const viewEnd = (scroll + this.ws.getWidth()) / pxPerSec
    const wanted = visibleTiles(pxPerSec, viewStart, viewEnd, durationS)
    const keys = new Set(wanted.map((k) => this.key(pxPerSec, k)))
    for (const key of this.shown)
      if (!keys.has(key)) {
        this.cache.get(key)?.remove()
        this.shown.delete(key)
      }
    for (const index of wanted) {
      const key = this.key(pxPerSec, index)
      const canvas = this.cache.get(key)
      if (canvas) this.show(key, canvas, index, pxPerSec)
      else if (!this.inFlight.has(key) && !this.queue.some((q) => q.key === key))
        this.queue.push({ key, index, pxPerSec })
    }
    this.pump()
    this.report()
    this.drawOverlay()
  }

  private key(pxPerSec: number, index: number): string {
    const { windowSize, dynamicRangeDb, maxHz } = this.settings
    return `${windowSize}/${dynamicRangeDb}/${maxHz}@${tileKey(pxPerSec, index)}`
  }

  /** New tile settings: the tiles are fetched again (the old ones cannot be reused). */
  setSettings(settings: TileSettings): void {
    const s = this.settings
    if (
      s.windowSize === settings.windowSize &&
      s.dynamicRangeDb === settings.dynamicRangeDb &&
      s.maxHz === settings.maxHz
    )
      return
    this.settings = settings
    for (const canvas of this.cache.values()) canvas.remove()
    this.cache.clear()
    this.shown.clear()
    this.queue = []
    this.update()
  }

  /** A colour map change repaints the tiles already fetched. */
  setColourMap(name: ColourMapName): void {
    this.lut = colourMap(name)
    for (const canvas of this.cache.values()) {
      const tile = this.tiles.get(canvas)
      if (tile) paintInto(canvas, tile, this.lut)
    }
  }

  /** f0 and intensity over a stretch (null: none drawn). */
  setOverlay(track: SelectionMeasures | null): void {
    this.track = track
    this.drawOverlay()
  }

  /** The top of the frequency axis in force. */
  get maxHz(): number {
    return this.settings.maxHz
  }

  /** The level (dB) the shown tiles give at a time and frequency, or null where no tile is drawn. */
  levelAt(timeS: number, hz: number): number | null {
    for (const key of this.shown) {
      const canvas = this.cache.get(key)
      const tile = canvas && this.tiles.get(canvas)
      if (!tile || timeS < tile.startS || timeS >= tile.endS) continue
      const col = Math.min(
        tile.width - 1,
        Math.floor(((timeS - tile.startS) / (tile.endS - tile.startS)) * tile.width),
      )
      const row = Math.min(tile.height - 1, Math.max(0, Math.floor((1 - hz / tile.maxHz) * tile.height)))
      const bytes = atob(tile.pixels)
      const v = bytes.charCodeAt(row * tile.width + col)
      return tile.dbMin + (v / 255) * (tile.dbMax - tile.dbMin)
    }
    return null
  }

  /** f0 on the frequency axis (it lies on the first harmonic), intensity on its own scale: 0 dB at the top, the
   * dynamic range at the bottom. Drawn only where the view is, so the canvas stays about a screen wide. */
  private drawOverlay(): void {
    const t = this.track
    if (!t || !(this.pxPerSec > 0)) {
      this.overlay?.remove()
      this.overlay = null
      return
    }
    const pxPerSec = this.pxPerSec
    const viewStart = Math.max(t.startS, this.ws.getScroll() / pxPerSec)
    const viewEnd = Math.min(t.endS, (this.ws.getScroll() + this.ws.getWidth()) / pxPerSec)
    if (!(viewEnd > viewStart)) {
      this.overlay?.remove()
      this.overlay = null
      return
    }
    const canvas = this.overlay ?? document.createElement('canvas')
    if (!this.overlay) {
      Object.assign(canvas.style, {
        position: 'absolute',
        top: '0',
        height: '100%',
        pointerEvents: 'none',
        zIndex: '1',
      })
      canvas.setAttribute('part', 'pitch-intensity')
      this.overlay = canvas
    }
    const dpr = window.devicePixelRatio || 1
    const width = Math.max(1, Math.round((viewEnd - viewStart) * pxPerSec))
    const height = this.options.height
    canvas.width = Math.round(width * dpr)
    canvas.height = Math.round(height * dpr)
    canvas.style.left = `${viewStart * pxPerSec}px`
    canvas.style.width = `${width}px`
    canvas.dataset.startS = viewStart.toFixed(3)
    canvas.dataset.endS = viewEnd.toFixed(3)
    const ctx = canvas.getContext('2d')
    if (!ctx) return
    ctx.scale(dpr, dpr)
    ctx.clearRect(0, 0, width, height)
    const x = (i: number) => (t.startS + (i + 0.5) * t.hopS - viewStart) * pxPerSec
    const range = this.settings.dynamicRangeDb
    ctx.strokeStyle = INTENSITY_COLOUR
    ctx.lineWidth = 1.5
    ctx.beginPath()
    let pen = false
    t.intensityDb.forEach((db, i) => {
      const xi = x(i)
      if (xi < -2 || xi > width + 2) return
      const y = height * Math.min(1, Math.max(0, -db / range))
      if (pen) ctx.lineTo(xi, y)
      else ctx.moveTo(xi, y)
      pen = true
    })
    ctx.stroke()
    ctx.fillStyle = F0_COLOUR
    const maxHz = this.settings.maxHz
    t.f0Hz.forEach((hz, i) => {
      const xi = x(i)
      if (hz <= 0 || hz > maxHz || xi < -2 || xi > width + 2) return
      ctx.beginPath()
      ctx.arc(xi, height * (1 - hz / maxHz), 1.8, 0, 2 * Math.PI)
      ctx.fill()
    })
    if (!canvas.isConnected) this.element.appendChild(canvas)
  }

  private show(key: string, canvas: HTMLCanvasElement, index: number, pxPerSec: number): void {
    const { startS, endS } = tileRange(pxPerSec, index, this.options.durationS)
    canvas.style.left = `${index * TILE_PX}px`
    canvas.style.width = `${(endS - startS) * pxPerSec}px`
    if (!canvas.isConnected) this.element.appendChild(canvas)
    this.shown.add(key)
    // Least recently shown last: re-insert so eviction drops the oldest.
    this.cache.delete(key)
    this.cache.set(key, canvas)
  }

  private pump(): void {
    while (this.inFlight.size < MAX_IN_FLIGHT && this.queue.length) {
      const job = this.queue.shift()!
      if (job.pxPerSec !== this.pxPerSec) continue
      this.inFlight.add(job.key)
      const { startS, endS } = tileRange(job.pxPerSec, job.index, this.options.durationS)
      const width = Math.max(1, Math.min(TILE_PX, Math.round((endS - startS) * job.pxPerSec)))
      const height = Math.max(
        8,
        Math.min(256, Math.round(this.options.height * (window.devicePixelRatio || 1))),
      )
      const settings = this.settings
      this.options
        .fetchTile({ startS, endS, width, height, ...settings })
        .then((tile) => {
          if (this.destroyed || settings !== this.settings) return
          this.error = null
          const canvas = paint(tile, this.lut)
          this.tiles.set(canvas, tile)
          this.cache.set(job.key, canvas)
          this.evict()
          if (job.pxPerSec === this.pxPerSec) this.show(job.key, canvas, job.index, job.pxPerSec)
        })
        .catch((e: Error) => {
          this.error = e.message
        })
        .finally(() => {
          this.inFlight.delete(job.key)
          if (!this.destroyed) {
            this.pump()
            this.report()
          }
        })
    }
  }

  private evict(): void {
    for (const [key, canvas] of this.cache) {
      if (this.cache.size <= MAX_CACHED) break
      if (this.shown.has(key)) continue
      canvas.remove()
      this.cache.delete(key)
    }
  }

  private report(): void {
    this.options.onState?.({
      drawn: this.shown.size,
      pending: this.inFlight.size + this.queue.length,
      error: this.error,
    })
  }

  destroy(): void {
    this.destroyed = true
    this.unsubscribe.forEach((u) => u())
    this.element.remove()
    this.cache.clear()
  }
}

function paint(tile: SpectrogramTile, lut: Uint8ClampedArray): HTMLCanvasElement {
  const canvas = document.createElement('canvas')
  canvas.width = tile.width
  canvas.height = tile.height
  Object.assign(canvas.style, { position: 'absolute', top: '0', height: '100%' })
  paintInto(canvas, tile, lut)
  return canvas
}

function paintInto(canvas: HTMLCanvasElement, tile: SpectrogramTile, lut: Uint8ClampedArray): void {
  const ctx = canvas.getContext('2d')!
  const image = ctx.createImageData(tile.width, tile.height)
  image.data.set(tileToRgba(tile.pixels, tile.width, tile.height, lut))
  ctx.putImageData(image, 0, 0)
}

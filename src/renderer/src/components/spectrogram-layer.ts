// The spectrogram under the waveform: a layer inside wavesurfer's scrolling wrapper (so it pans and zooms with
// the waveform, and a click on it seeks like a click on the waveform), filled with tiles the core computes.
// Only the tiles in view are requested, a few at a time; tiles are cached per zoom level.
import type WaveSurfer from 'wavesurfer.js'
import type { SpectrogramTile } from '../../../shared/contract'
import { colourMap, TILE_PX, tileKey, tileRange, tileToRgba, visibleTiles } from '../spectrogram-tiles'

export interface SpectrogramState {
  /** Tiles drawn for the current view. */
  drawn: number
  pending: number
  error: string | null
}

export interface SpectrogramLayerOptions {
  durationS: number
  height: number
  fetchTile(req: { startS: number; endS: number; width: number; height: number }): Promise<SpectrogramTile>
  onState?(s: SpectrogramState): void
}

const MAX_IN_FLIGHT = 2
const MAX_CACHED = 160
const lut = colourMap()

export class SpectrogramLayer {
  readonly element: HTMLDivElement
  private readonly cache = new Map<string, HTMLCanvasElement>()
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
    const keys = new Set(wanted.map((k) => tileKey(pxPerSec, k)))
    for (const key of this.shown)
      if (!keys.has(key)) {
        this.cache.get(key)?.remove()
        this.shown.delete(key)
      }
    for (const index of wanted) {
      const key = tileKey(pxPerSec, index)
      const canvas = this.cache.get(key)
      if (canvas) this.show(key, canvas, index, pxPerSec)
      else if (!this.inFlight.has(key) && !this.queue.some((q) => q.key === key))
        this.queue.push({ key, index, pxPerSec })
    }
    this.pump()
    this.report()
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
      this.options
        .fetchTile({ startS, endS, width, height })
        .then((tile) => {
          if (this.destroyed) return
          this.error = null
          const canvas = paint(tile)
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

function paint(tile: SpectrogramTile): HTMLCanvasElement {
  const canvas = document.createElement('canvas')
  canvas.width = tile.width
  canvas.height = tile.height
  Object.assign(canvas.style, { position: 'absolute', top: '0', height: '100%' })
  const ctx = canvas.getContext('2d')!
  const image = ctx.createImageData(tile.width, tile.height)
  image.data.set(tileToRgba(tile.pixels, tile.width, tile.height, lut))
  ctx.putImageData(image, 0, 0)
  return canvas
}

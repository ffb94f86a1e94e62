// Loaded backbones kept open between calls: opening an ONNX session costs 0.1–10 s (GPU providers compile
// shaders), embedding a cry a few milliseconds. One cache per worker thread, owned by whoever creates it.
import type { Backbone, ProviderReport } from './backbone'
import type { ProviderSetting } from './providers'
import { getBackbone } from './registry'

export interface EmbedRequest {
  modelsDir: string
  /** Backbone name, or 'default' for models/default.json's. */
  backbone: string
  provider?: ProviderSetting
  threads?: number
  cries: Float32Array[]
}

export interface EmbedResult {
  backbone: string
  dim: number
  provider: ProviderReport
  /** One L2-normalised embedding per cry, in input order. */
  embeddings: Float32Array[]
}

export class BackboneCache {
  private readonly open = new Map<string, Promise<Backbone>>()

  constructor(private readonly options: { log?: (message: string) => void } = {}) {}

  get(req: Omit<EmbedRequest, 'cries'>): Promise<Backbone> {
    const key = [req.modelsDir, req.backbone, req.provider ?? 'cpu', req.threads ?? 0].join('\u0000')
    let b = this.open.get(key)
    if (!b) {
      b = getBackbone(req.backbone, {
        modelsDir: req.modelsDir,
        provider: req.provider,
        threads: req.threads,
        log: this.options.log,
      })
      // A failed load is not cached, so a fixed model file is picked up on the next call.
      b.catch(() => this.open.delete(key))
      this.open.set(key, b)
    }
    return b
  }

  async embed(req: EmbedRequest, signal?: AbortSignal): Promise<EmbedResult> {
    const b = await this.get(req)
    const embeddings = await b.embedCries(req.cries, { signal })
    return { backbone: b.name, dim: b.dim, provider: b.provider, embeddings }
  }

  async close(): Promise<void> {
    const all = [...this.open.values()]
    this.open.clear()
    for (const p of all) await (await p.catch(() => null))?.dispose()
  }
}

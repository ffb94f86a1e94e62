// Repository for cry_embeddings: one Float32 vector per cry and backbone.
import type { Db } from './db'

export function putEmbeddings(
  db: Db,
  backbone: string,
  rows: { cryId: number; vector: Float32Array }[],
): void {
  const stmt = db.prepare(
    'INSERT OR REPLACE INTO cry_embeddings (cry_id, backbone, dim, vector) VALUES (?, ?, ?, ?)',
  )
  for (const r of rows)
    stmt.run(
      r.cryId,
      backbone,
      r.vector.length,
      Buffer.from(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength),
    )
}

/** Embeddings of the given cries for one backbone, in the order asked; missing ones are absent from the map. */
export function getEmbeddings(
  db: Db,
  backbone: string,
  cryIds: readonly number[],
): Map<number, Float32Array> {
  const out = new Map<number, Float32Array>()
  const stmt = db.prepare('SELECT vector FROM cry_embeddings WHERE cry_id = ? AND backbone = ?')
  for (const id of cryIds) {
    const r = stmt.get(id, backbone) as { vector: Buffer } | undefined
    if (r)
      out.set(
        id,
        new Float32Array(
          r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength),
        ),
      )
  }
  return out
}

/** Whether the cry has an embedding (of any backbone). */
export function hasEmbeddings(db: Db, cryId: number): boolean {
  return !!db.prepare('SELECT 1 FROM cry_embeddings WHERE cry_id = ?').get(cryId)
}

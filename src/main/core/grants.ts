// File grants: the only way a file reaches the core from the UI. The host (desktop file dialog, browser
// upload, CLI arguments) registers the paths the user chose and hands the renderer opaque ids; the contract
// never accepts a path, so a compromised renderer cannot read arbitrary files.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { FileGrant } from '../../shared/contract'

interface Entry extends FileGrant {
  path: string
  sessionId: string | null
  /** Uploaded copies are deleted when imported or when the grant expires. */
  ownedCopy: boolean
}

export class FileGrants {
  private readonly byId = new Map<string, Entry>()

  /** Registers files the user chose. Folders are expanded recursively (audio-looking files only). */
  grant(
    files: { path: string; relativePath?: string | null; ownedCopy?: boolean; name?: string }[],
    sessionId: string | null,
  ): FileGrant[] {
    const out: FileGrant[] = []
    for (const f of files) {
      const st = fs.statSync(f.path, { throwIfNoEntry: false })
      if (!st) continue
      if (st.isDirectory()) {
        const base = path.basename(f.path)
        for (const child of walk(f.path)) {
          const rel = path.join(base, path.relative(f.path, child)).split(path.sep).join('/')
          out.push(...this.grant([{ path: child, relativePath: rel }], sessionId))
        }
        continue
      }
      if (!st.isFile()) continue
      const id = `g_${crypto.randomBytes(12).toString('base64url')}`
      const entry: Entry = {
        id,
        name: f.name ?? path.basename(f.path),
        size: st.size,
        relativePath: f.relativePath ?? null,
        path: f.path,
        sessionId,
        ownedCopy: f.ownedCopy ?? false,
      }
      this.byId.set(id, entry)
      out.push({ id, name: entry.name, size: entry.size, relativePath: entry.relativePath })
    }
    return out
  }

  resolve(id: string, sessionId: string | null): Entry | undefined {
    const e = this.byId.get(id)
    if (!e) return undefined
    if (e.sessionId !== null && sessionId !== null && e.sessionId !== sessionId) return undefined
    return e
  }

  /**
   * A session ended: its grants go, and the uploaded copies among them are deleted unless `inUse` (a running
   * import still reading them; that import deletes them when done).
   */
  releaseSession(sessionId: string, inUse: (path: string) => boolean): void {
    for (const [id, e] of this.byId) {
      if (e.sessionId !== sessionId) continue
      this.byId.delete(id)
      if (e.ownedCopy && !inUse(e.path)) fs.rmSync(e.path, { force: true })
    }
  }

  release(id: string): void {
    const e = this.byId.get(id)
    if (!e) return
    this.byId.delete(id)
    if (e.ownedCopy) fs.rmSync(e.path, { force: true })
  }
}

const HIDDEN = /^\./

function* walk(dir: string): Generator<string> {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
  for (const e of entries) {
    if (HIDDEN.test(e.name)) continue
    const p = path.join(dir, e.name)
    if (e.isDirectory()) yield* walk(p)
    else if (e.isFile()) yield p
  }
}

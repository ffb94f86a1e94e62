import crypto from 'node:crypto'
import fs from 'node:fs'

/** SHA-256 of a file's bytes, streamed: the identity used to make imports idempotent. */
export async function hashFile(file: string): Promise<string> {
  const h = crypto.createHash('sha256')
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer)
  return h.digest('hex')
}

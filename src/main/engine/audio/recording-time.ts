// Recording time and infant hints from file names. Order of trust (issue 3): file name, else WAV bext /
// LIST INFO date (or another container's creation date, reported as 'info'), else file modification time.
// Times without a zone are read as the workstation's local time.
import type { TimeSource } from '../../../shared/contract'

export interface NameInfo {
  recordedAt: Date | null
  /** Donate-a-Cry identity proxy `DAC-<first 8 hex of install id>-<m|f>`, when the name follows that pattern. */
  dacInfantId: string | null
}

const DAC =
  /^([0-9a-fA-F]{8})-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}-(\d{10}|\d{13})-[\d.]+-([mf])-(\d{2})-([a-z]{2})$/
const STAMPS: RegExp[] = [
  // 2024-03-05T14:22:10, 2024-03-05 14-22-10, 2024_03_05_14_22_10
  /(\d{4})[-_]?(\d{2})[-_]?(\d{2})[T _-](\d{2})[-_:.]?(\d{2})[-_:.]?(\d{2})/,
]

export function parseFileName(fileName: string): NameInfo {
  const stem = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '')
  const dac = DAC.exec(stem)
  if (dac) {
    const epoch = Number(dac[2])
    const ms = dac[2]!.length === 13 ? epoch : epoch * 1000
    return { recordedAt: new Date(ms), dacInfantId: `DAC-${dac[1]!.toLowerCase()}-${dac[3]}` }
  }
  for (const re of STAMPS) {
    const m = re.exec(stem)
    if (!m) continue
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || y < 1990 || y > 2100) continue
    return { recordedAt: new Date(y, mo - 1, d, h, mi, s), dacInfantId: null }
  }
  return { recordedAt: null, dacInfantId: null }
}

/** A local date-time written in a file header ("2024-03-05T14:22:10"). */
export function parseLocalIso(text: string | null): Date | null {
  if (!text) return null
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(text)
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  const dt = new Date(y, mo - 1, d, h, mi, s)
  return Number.isNaN(dt.getTime()) ? null : dt
}

/** A creation date from container metadata (MP4/3GP/CAF creation_time, Vorbis DATE): ISO with or without a
 * zone; a bare date is not a time and is ignored. */
export function parseMetadataDate(text: string | null | undefined): Date | null {
  if (!text) return null
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text.trim(),
  )
  if (!m) return null
  const frac = m[7] ? m[7].slice(0, 4) : ''
  const zone = m[8] ? (m[8] === 'Z' ? 'Z' : m[8].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : ''
  const d = zone
    ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${frac}${zone}`)
    : parseLocalIso(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`)
  // 1970 or 1904 epochs are what encoders write when they know no date.
  return !d || Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1990 ? null : d
}

export function chooseRecordingTime(
  fileName: string,
  header: { bextDate: string | null; infoDate: string | null; metadataDate?: string | null },
  mtime: Date,
): { recordedAt: Date; source: TimeSource } {
  const fromName = parseFileName(fileName).recordedAt
  if (fromName) return { recordedAt: fromName, source: 'filename' }
  const bext = parseLocalIso(header.bextDate)
  if (bext) return { recordedAt: bext, source: 'bext' }
  const info = parseLocalIso(header.infoDate) ?? parseMetadataDate(header.metadataDate)
  if (info) return { recordedAt: info, source: 'info' }
  return { recordedAt: mtime, source: 'mtime' }
}

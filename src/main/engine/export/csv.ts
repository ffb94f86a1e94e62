// CSV writer (RFC 4180: comma, CRLF, quotes doubled). Written here because quoting is a few lines and the
// export needs one thing CSV libraries leave to the caller: text cells that a spreadsheet would run as a
// formula (=, +, -, @, tab, CR) are prefixed with an apostrophe (OWASP "CSV injection"). Numbers are not.
export type CsvValue = string | number | boolean | null | undefined

export interface CsvColumn<T> {
  header: string
  value: (row: T) => CsvValue
}

export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: Iterable<T>): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')]
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','))
  return lines.join('\r\n') + '\r\n'
}

export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'boolean') return v ? '1' : '0'
  if (typeof v === 'number') return Number.isFinite(v) ? formatNumber(v) : ''
  let s = v
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Up to 6 decimals, no trailing zeros, no exponent for ordinary values. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v)
  const s = v.toFixed(6).replace(/0+$/, '').replace(/\.$/, '')
  return s === '-0' ? '0' : s
}

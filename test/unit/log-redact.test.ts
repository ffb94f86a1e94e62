// Logs carry no patient names: file paths and quoted values in error messages are redacted before logging.
import { describe, expect, it } from 'vitest'
import { errorForLog, redactForLog } from '../../src/main/core/log-redact'

describe('log redaction', () => {
  it('removes paths and quoted text, keeps codes and ids', () => {
    expect(redactForLog("ENOENT: no such file or directory, open '/home/ward/Baby Smith/rec 1.wav'")).toBe(
      "ENOENT: no such file or directory, open '…'",
    )
    expect(redactForLog('cannot read /data/Jane_Doe_2026-01-02.wav (code 7)')).toBe(
      'cannot read <path> (code 7)',
    )
    expect(redactForLog('open C:\\Users\\nurse\\Desktop\\Baby_Jones.wav failed')).toBe('open <path> failed')
    expect(redactForLog('An infant with id "MRN-123 Smith" already exists')).toBe(
      'An infant with id "…" already exists',
    )
    expect(redactForLog('recording 42 in job import_ab12')).toBe('recording 42 in job import_ab12')
  })

  it('an error for the log keeps its name, code and code locations only', () => {
    const e = Object.assign(new Error("EACCES: permission denied, open '/srv/iclas/Baby Smith.wav'"), {
      code: 'EACCES',
    })
    const line = errorForLog(e)
    expect(line).toMatch(/^Error \[EACCES\]: EACCES: permission denied, open '…'/)
    expect(line).not.toMatch(/Smith/)
  })
})

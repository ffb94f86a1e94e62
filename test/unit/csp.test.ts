// The workstation's Content-Security-Policy holds only source expressions browsers accept: Chromium logged
// "invalid source ws://[::1]:*" twice on every load (issue 17, item 12), because CSP host-sources have no
// IPv6 literals.
import { describe, expect, it } from 'vitest'
import { CSP } from '../../src/main/server/csp'

const KEYWORD = /^'(self|none|unsafe-inline|unsafe-eval|wasm-unsafe-eval|strict-dynamic|report-sample)'$/
const SCHEME = /^[a-z][a-z0-9+.-]*:$/
// CSP 3 host-source: [scheme "://"] host [":" port] [path]; host is "*", "*.name" or a name (no brackets).
const HOST =
  /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(?:\d+|\*))?(?:\/[^\s;,]*)?$/i

describe('CSP', () => {
  it('every source of every directive is a valid source expression', () => {
    for (const directive of CSP.split(';').map((d) => d.trim())) {
      const [name, ...sources] = directive.split(/\s+/)
      if (
        name === 'frame-ancestors' ||
        name === 'base-uri' ||
        name === 'form-action' ||
        name === 'object-src'
      ) {
        expect(sources, name).toEqual(["'none'"])
        continue
      }
      for (const s of sources)
        expect(KEYWORD.test(s) || SCHEME.test(s) || HOST.test(s), `${name}: ${s}`).toBe(true)
    }
  })
})

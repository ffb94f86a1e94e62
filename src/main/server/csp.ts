// The one Content-Security-Policy of the workstation page, in the desktop app and in browser mode:
// only our own scripts, no eval, no remote content. 'unsafe-inline' styles are needed by MUI's emotion.
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: iclas-media:",
  // 'self' covers the page's own WebSocket (CSP 3). No IPv6 literal: browsers reject ws://[::1]:* as an
  // invalid source and log it on every load.
  "connect-src 'self' ws://127.0.0.1:* blob: iclas-media:",
  "worker-src 'self' blob:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

// End-to-end tests drive the real UI. Default target: browser mode in Debian's Chromium (/usr/bin/chromium);
// ICLAS_E2E_TARGET=electron runs the same specs against the desktop app where its binary exists.
import { defineConfig } from '@playwright/test'
import { scaled } from './test/helpers/time-scale'

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  // Limits on a quiet machine, scaled to this one (test/helpers/time-scale.ts).
  timeout: scaled(120_000),
  expect: { timeout: scaled(20_000) },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    trace: 'retain-on-failure',
    actionTimeout: scaled(20_000),
    screenshot: 'only-on-failure',
    viewport: { width: 1440, height: 900 },
  },
})

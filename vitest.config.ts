import { defineConfig } from 'vitest/config'
import { scaled, TIME_SCALE } from './test/helpers/time-scale.js'

// Measured once here, handed to every worker: limits scale with how loaded this machine is (time-scale.ts).
process.env.ICLAS_TIME_SCALE = String(TIME_SCALE)

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    // 60 s on a quiet machine, scaled (a loaded 2-core CI machine gets several times that).
    testTimeout: scaled(60_000),
    hookTimeout: scaled(60_000),
    pool: 'forks',
    // Two cores: keep integration suites (workers, ONNX) from starving each other.
    maxWorkers: 2,
  },
})

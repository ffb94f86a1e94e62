// Three builds: the Electron main process (plus the core's utilityProcess entry and the worker entries),
// the sandboxed preload (CommonJS, one file), and the renderer (React). Native modules stay external.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/app/main.ts'),
          'core-host': resolve('src/main/app/core-host.ts'),
          'workers/engine.worker': resolve('src/main/workers/engine.worker.ts'),
        },
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle zod and our contract into one file.
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    build: {
      outDir: 'out/renderer',
      // Minified and split by screen (React.lazy in App and Shell); file names carry content hashes, so
      // browser mode serves assets/ as immutable (server.ts).
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [react()],
  },
})

// The process and layer boundaries of docs/architecture.md, checked by dependency-cruiser (`npm run lint:deps`,
// part of `npm run lint`). test/unit/boundaries.test.ts plants a violation of each rule and checks it is caught.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'engine-is-pure',
      comment:
        'Engine code is pure numerics over data passed in: no store, core, workers, CLI, app, server or UI.',
      severity: 'error',
      from: { path: '^src/main/engine/' },
      to: { path: '^(src/main/(store|core|workers|cli|app|server|evaluation)/|src/renderer/)' },
    },
    {
      name: 'evaluation-below-core',
      comment:
        'Evaluation protocols run on the engine alone: the CLI and the worker call them, never the reverse.',
      severity: 'error',
      from: { path: '^src/main/evaluation/' },
      to: { path: '^src/main/(core|store|cli|app|server)/' },
    },
    {
      name: 'workers-no-cli',
      comment:
        'Workers run engine tasks and evaluation protocols; the command line is a face, not a library.',
      severity: 'error',
      from: { path: '^src/main/workers/' },
      to: { path: '^src/main/cli/' },
    },
    {
      name: 'core-no-faces',
      comment:
        'The core is transport-agnostic: the CLI, the Electron app and the server call it, never the reverse.',
      severity: 'error',
      from: { path: '^src/main/core/' },
      to: { path: '^src/main/(cli|app|server)/' },
    },
    {
      name: 'src-no-bench',
      comment: 'Benchmarks measure the product; the product never imports them (bench/ owns its registry).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^bench/' },
    },
    {
      name: 'renderer-only-shared',
      comment: 'The renderer is sandboxed: outside itself it imports only src/shared and its npm packages.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      // (an import that resolves nowhere is typecheck's to report, not this rule's)
      to: { pathNot: '^(src/renderer/|src/shared/)|(^|/)node_modules/', couldNotResolve: false },
    },
    {
      name: 'no-cycles',
      comment: 'No import cycles: every module can be read, loaded and tested before the ones that use it.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|out|\\.cache|test/fixtures)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
}

// ESLint: typescript-eslint recommended rules plus the process boundaries of docs/architecture.md.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'crypto',
  'http',
  'net',
  'url',
]

export default tseslint.config(
  {
    ignores: [
      '.cache/**',
      'out/**',
      'dist/**',
      'node_modules/**',
      'training/**',
      'test/fixtures/**',
      'coverage/**',
      'playwright-report/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: NODE_BUILTINS,
              message:
                'The renderer is sandboxed: no Node modules. Ask the core through the contract (src/renderer/src/api).',
            },
            {
              group: ['electron', 'electron/*'],
              message: 'The renderer may not import electron: use window.iclas through src/renderer/src/api.',
            },
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The renderer may import only src/shared and its own files.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'Engine code is pure Node: no Electron.' },
            {
              group: ['**/store/**', 'better-sqlite3'],
              message: 'Engine code never touches the store: services pass data in and out.',
            },
            {
              group: ['**/core/**', '**/app/**', '**/server/**'],
              message: 'Engine code may not depend on the layers above it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_BUILTINS, message: 'src/shared is pure TypeScript, loaded by the renderer too.' },
            {
              group: ['electron', 'better-sqlite3', 'onnxruntime-node', '**/main/**', '**/renderer/**'],
              message: 'src/shared may import only zod and itself.',
            },
          ],
        },
      ],
    },
  },
  {
    // Every SQL statement lives in the store's repositories (docs/architecture.md, issue 14).
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/store/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'CallExpression[callee.property.name=/^(prepare|pragma|function)$/][callee.object.name="db"]',
          'CallExpression[callee.property.name=/^(prepare|pragma|function)$/][callee.object.property.name="db"]',
          'CallExpression[callee.property.name="exec"][callee.object.name="db"]',
          'CallExpression[callee.property.name="exec"][callee.object.property.name="db"]',
        ].map((selector) => ({
          selector,
          message: 'SQL lives in src/main/store: call (or add) a repository function there.',
        })),
      ],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/app/**', 'src/main/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'Only src/main/app may import electron.' },
          ],
        },
      ],
    },
  },
)

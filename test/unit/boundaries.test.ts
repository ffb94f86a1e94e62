// The boundary check (.dependency-cruiser.cjs, run by `npm run lint`) catches a planted violation of each of its
// rules, and passes a tree that keeps them: a small tree laid out like src/ and bench/ in a temporary folder,
// cruised with the repository's own rules.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser'
import { afterAll, describe, expect, it } from 'vitest'

const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as IConfiguration
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-boundaries-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

/** Files that keep every rule: each layer importing what it may. */
const CLEAN: Record<string, string> = {
  'src/shared/contract.ts': 'export const x = 1\n',
  'src/main/engine/numerics.ts': "import { x } from '../../shared/contract'\nexport const y = x\n",
  'src/main/store/db.ts': "import { y } from '../engine/numerics'\nexport const db = y\n",
  'src/main/evaluation/protocol.ts': "import { y } from '../engine/numerics'\nexport const run = y\n",
  'src/main/workers/evaluate.ts': "import { run } from '../evaluation/protocol'\nexport const w = run\n",
  'src/main/core/core.ts':
    "import { db } from '../store/db'\nimport { w } from '../workers/evaluate'\nexport const core = db + w\n",
  'src/main/cli/index.ts':
    "import { core } from '../core/core'\nimport { run } from '../evaluation/protocol'\nexport const cli = core + run\n",
  'src/main/app/main.ts': "import { core } from '../core/core'\nexport const app = core\n",
  'src/main/server/server.ts': "import { core } from '../core/core'\nexport const server = core\n",
  'src/renderer/src/App.ts': "import { x } from '../../shared/contract'\nexport const app = x\n",
  'bench/suite.bench.ts': "import { core } from '../src/main/core/core'\nexport const bench = core\n",
}

/** One planted file per rule, and the rule that must catch it. */
const PLANTED: { rule: string; files: Record<string, string> }[] = [
  { rule: 'engine-is-pure', files: { 'src/main/engine/bad.ts': "import '../store/db'\n" } },
  { rule: 'engine-is-pure', files: { 'src/main/engine/bad.ts': "import '../core/core'\n" } },
  { rule: 'evaluation-below-core', files: { 'src/main/evaluation/bad.ts': "import '../store/db'\n" } },
  { rule: 'evaluation-below-core', files: { 'src/main/evaluation/bad.ts': "import '../cli/index'\n" } },
  { rule: 'workers-no-cli', files: { 'src/main/workers/bad.ts': "import '../cli/index'\n" } },
  { rule: 'core-no-faces', files: { 'src/main/core/bad.ts': "import '../cli/index'\n" } },
  { rule: 'core-no-faces', files: { 'src/main/core/bad.ts': "import '../server/server'\n" } },
  { rule: 'src-no-bench', files: { 'src/main/cli/bad.ts': "import '../../../bench/suite.bench'\n" } },
  {
    rule: 'renderer-only-shared',
    files: { 'src/renderer/src/bad.ts': "import '../../main/engine/numerics'\n" },
  },
  {
    rule: 'no-cycles',
    files: {
      'src/main/engine/a.ts': "import { b } from './b'\nexport const a = () => b\n",
      'src/main/engine/b.ts': "import { a } from './a'\nexport const b = () => a\n",
    },
  },
]

async function violations(files: Record<string, string>): Promise<{ rule: string; from: string }[]> {
  const dir = fs.mkdtempSync(path.join(root, 'tree-'))
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), text)
  }
  const { tsConfig: _project, ...options } = config.options ?? {}
  // The rules' paths are relative to the folder cruised from (baseDir), as they are to the checkout in lint.
  const { output } = await cruise(
    ['src', 'bench'],
    { ...options, baseDir: dir, validate: true, ruleSet: { forbidden: config.forbidden } },
    { extensions: ['.ts'] },
  )
  return (output as ICruiseResult).summary.violations.map((v) => ({ rule: v.rule.name, from: v.from }))
}

describe('the boundary check', () => {
  it('every rule is planted below', () => {
    expect(new Set(PLANTED.map((p) => p.rule))).toEqual(new Set(config.forbidden!.map((r) => r.name)))
  })

  it('passes a tree that keeps the boundaries', async () => {
    expect(await violations(CLEAN)).toEqual([])
  })

  for (const { rule, files } of PLANTED)
    it(`fails on a planted ${rule} violation (${Object.values(files)[0]!.trim().split('\n')[0]})`, async () => {
      const found = await violations({ ...CLEAN, ...files })
      expect(found.length).toBeGreaterThan(0)
      expect(new Set(found.map((v) => v.rule))).toEqual(new Set([rule]))
    })
})

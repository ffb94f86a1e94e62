// fast-check arbitraries derived from the contract's zod schemas, so role and fuzz tests cover every method
// (including ones added later) without a hand-written payload each. Written here because zod-fast-check
// targets zod 3; this walks the zod 4 definitions the contract uses and falls back to any JSON value.
// Values are biased towards what exists in a seeded store (small ids, known labels) so that valid calls
// reach the handlers, not only the validator.
import fc from 'fast-check'
import type { z } from 'zod'

interface Def {
  type: string
  checks?: { _zod: { def: Record<string, unknown> } }[]
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  innerType?: z.ZodType
  in?: z.ZodType
  options?: z.ZodType[]
  entries?: Record<string, string | number>
  values?: unknown[]
  keyType?: z.ZodType
  valueType?: z.ZodType
  items?: z.ZodType[]
}

const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def

function checks(d: Def): Record<string, unknown>[] {
  return (d.checks ?? []).map((c) => c._zod.def)
}

/** Values a hostile caller would try in any string field: paths, traversal, injection, control characters. */
export const HOSTILE_STRINGS = [
  '/etc/passwd',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'C:\\Windows\\System32\\config\\SAM',
  'file:///etc/passwd',
  '\\\\server\\share\\x.wav',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  "'; DROP TABLE infants; --",
  '=HYPERLINK("http://evil.example")',
  '\u0000',
  '\u202e\u0000\uffff',
  '<img src=x onerror=alert(1)>',
  '(a+)+$',
  'x'.repeat(5000),
]

export interface ArbitraryOptions {
  /** Extra strings to use in every string field (e.g. paths of files the test owns). */
  strings?: string[]
}

export function arbitraryFor(
  schema: z.ZodType,
  opts: ArbitraryOptions = {},
  depth = 0,
): fc.Arbitrary<unknown> {
  const d = defOf(schema)
  const cs = checks(d)
  switch (d.type) {
    case 'object': {
      const shape = d.shape ?? {}
      const required: string[] = []
      const parts: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [k, v] of Object.entries(shape)) {
        parts[k] = arbitraryFor(v, opts, depth + 1)
        const t = defOf(v).type
        if (t !== 'optional' && t !== 'default') required.push(k)
      }
      return fc.record(parts, { requiredKeys: required })
    }
    case 'string': {
      const fmt = cs.find((c) => c.check === 'string_format')
      const min = (cs.find((c) => c.check === 'min_length')?.minimum as number | undefined) ?? 0
      const max = Math.min(
        (cs.find((c) => c.check === 'max_length')?.maximum as number | undefined) ?? 40,
        40,
      )
      let base: fc.Arbitrary<string>
      if (fmt?.format === 'datetime')
        base = fc
          .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
          .map((x) => x.toISOString())
      else if (fmt?.format === 'regex') base = fc.stringMatching(fmt.pattern as RegExp)
      else
        base = fc.oneof(
          fc.constantFrom('A', 'Bed 1', 'nurse', 'x'),
          fc.string({ minLength: min, maxLength: max }),
        )
      const hostile = [...HOSTILE_STRINGS, ...(opts.strings ?? [])]
      return fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: fc.constantFrom(...hostile) })
    }
    case 'number': {
      const int = cs.some((c) => c.check === 'number_format' && /int/.test(String(c.format)))
      const gt = cs.find((c) => c.check === 'greater_than')
      const lt = cs.find((c) => c.check === 'less_than')
      const lo = gt ? Number(gt.value) + (gt.inclusive ? 0 : int ? 1 : 1e-9) : -1e6
      const hi = lt ? Number(lt.value) - (lt.inclusive ? 0 : int ? 1 : 1e-9) : 1e6
      const near = fc.integer({ min: Math.max(Math.ceil(lo), 1), max: Math.max(Math.ceil(lo), 1) + 4 })
      if (int)
        return fc.oneof(
          { weight: 3, arbitrary: near.filter((v) => v <= hi) },
          {
            weight: 1,
            arbitrary: fc.integer({
              min: Math.ceil(Math.max(lo, -(2 ** 31))),
              max: Math.floor(Math.min(hi, 2 ** 31)),
            }),
          },
        )
      return fc.double({ min: Math.max(lo, -1e6), max: Math.min(hi, 1e6), noNaN: true })
    }
    case 'boolean':
      return fc.boolean()
    case 'enum':
      return fc.constantFrom(...Object.values(d.entries ?? {}))
    case 'literal':
      return fc.constantFrom(...(d.values ?? [null]))
    case 'null':
      return fc.constant(null)
    case 'array': {
      const min = (cs.find((c) => c.check === 'min_length')?.minimum as number | undefined) ?? 0
      return fc.array(arbitraryFor(d.element!, opts, depth + 1), {
        minLength: min,
        maxLength: Math.max(min, 3),
      })
    }
    case 'optional':
    case 'default':
      return fc.option(arbitraryFor(d.innerType!, opts, depth + 1), { nil: undefined })
    case 'nullable':
      return fc.option(arbitraryFor(d.innerType!, opts, depth + 1), { nil: null })
    case 'pipe':
      return arbitraryFor(d.in!, opts, depth + 1)
    case 'union':
      return fc.oneof(...(d.options ?? []).map((o) => arbitraryFor(o, opts, depth + 1)))
    case 'record':
      return fc.dictionary(fc.string({ maxLength: 8 }), arbitraryFor(d.valueType!, opts, depth + 1), {
        maxKeys: 3,
      })
    case 'tuple':
      return fc.tuple(...(d.items ?? []).map((i) => arbitraryFor(i, opts, depth + 1)))
    default:
      return depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 })
  }
}

const boom = () => {
  throw new Error('hostile toString')
}

/**
 * Values that break a careless String(), template literal, comparison or property walk: objects whose
 * toString/valueOf/Symbol.toPrimitive are not functions or throw, getters that throw, proxies whose every trap
 * throws, revoked proxies, cycles, very deep arrays and objects, class instances. Made fresh per call.
 */
export function hostileValues(): unknown[] {
  const cyclic: Record<string, unknown> = { a: 1 }
  cyclic.self = cyclic
  const throwingTraps = new Proxy(
    {},
    {
      get: boom,
      has: boom,
      ownKeys: boom,
      getOwnPropertyDescriptor: boom,
      getPrototypeOf: boom,
    },
  )
  const revocable = Proxy.revocable({ id: 1 }, {})
  revocable.revoke()
  const jsonProxy = new Proxy(JSON.parse('{"id":1,"label":"x"}') as object, {})
  return [
    { toString: 1 },
    { toString: 1, valueOf: 1 },
    { toString: boom, valueOf: boom },
    { [Symbol.toPrimitive]: boom },
    Object.create(null),
    Object.defineProperty({}, 'id', { get: boom, enumerable: true }),
    Object.defineProperty({}, 'label', { get: boom, enumerable: true }),
    [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]],
    deepArray(10_000),
    nested(10_000),
    { id: deepArray(5_000), label: nested(5_000) },
    { items: [{ grantId: { toString: boom } }] },
    { label: { toString: 1 } },
    { username: { toString: boom, valueOf: boom }, pin: [[['1234']]] },
    cyclic,
    [cyclic],
    throwingTraps,
    revocable.proxy,
    jsonProxy,
    new Proxy([], { get: boom }),
    new Date(0),
    new Map([[1, 2]]),
    new Uint8Array(4),
    () => 1,
    Symbol('s'),
    10n,
  ]
}

export function deepArray(n: number): unknown {
  let v: unknown = []
  for (let i = 0; i < n; i++) v = [v]
  return v
}

/** Malformed payloads: wrong types, extra keys, deep nesting, prototype pollution attempts, huge arrays. */
export function malformedPayload(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc.integer({ min: 0, max: hostileValues().length - 1 }).map((i) => hostileValues()[i]),
    valid.chain((v) =>
      isObject(v) && Object.keys(v).length
        ? fc
            .tuple(
              fc.constantFrom(...Object.keys(v)),
              fc.integer({ min: 0, max: hostileValues().length - 1 }),
            )
            .map(([k, i]) => ({ ...v, [k]: hostileValues()[i] }))
        : fc.constant(v),
    ),
    fc.constantFrom(
      null,
      undefined,
      42,
      'string',
      [],
      [1, 2, 3],
      { __proto__: { isAdmin: true } },
      JSON.parse('{"__proto__": {"polluted": true}}'),
      { constructor: { prototype: { polluted: true } } },
      nested(200),
      { id: Number.MAX_SAFE_INTEGER + 2 },
      { id: -1 },
      { id: 1.5 },
      { id: '1' },
      { id: NaN },
      { id: Infinity },
    ),
    valid.map((v) => (isObject(v) ? { ...v, unexpected: true } : v)),
    valid.chain((v) =>
      isObject(v) && Object.keys(v).length
        ? fc
            .constantFrom(...Object.keys(v))
            .chain((k) => fc.anything({ maxDepth: 1 }).map((junk) => ({ ...v, [k]: junk })))
        : fc.constant(v),
    ),
  )
}

function nested(n: number): unknown {
  let v: unknown = {}
  for (let i = 0; i < n; i++) v = { a: v }
  return v
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Every object key in a schema, with its path ("items[].grantId"). */
export function schemaKeys(schema: z.ZodType, prefix = ''): string[] {
  const d = defOf(schema)
  switch (d.type) {
    case 'object':
      return Object.entries(d.shape ?? {}).flatMap(([k, v]) => [
        `${prefix}${k}`,
        ...schemaKeys(v, `${prefix}${k}.`),
      ])
    case 'array':
      return schemaKeys(d.element!, prefix.replace(/\.$/, '[].'))
    case 'optional':
    case 'nullable':
    case 'default':
      return schemaKeys(d.innerType!, prefix)
    case 'pipe':
      return schemaKeys(d.in!, prefix)
    case 'union':
      return (d.options ?? []).flatMap((o) => schemaKeys(o, prefix))
    default:
      return []
  }
}

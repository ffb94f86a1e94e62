// Request params are copied into fresh plain JSON before anything else touches them: the validator, the
// handlers and the error messages then only ever see strings, finite numbers, booleans, null, arrays and
// plain objects. Hostile values that reach the core in-process (objects whose toString/valueOf throw,
// getters, proxies whose traps throw, class instances, functions, cycles) and values too deep or too large
// to walk safely are refused here with a plain reason, never thrown past dispatch.

export const MAX_PARAM_DEPTH = 32
export const MAX_PARAM_NODES = 200_000

export class NotPlainJson extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'NotPlainJson'
  }
}

/** A plain-JSON copy of `value` (undefined stays undefined at the top), or NotPlainJson. */
export function plainJsonCopy(value: unknown): unknown {
  let nodes = 0
  const seen = new Set<object>()
  const walk = (v: unknown, depth: number): unknown => {
    if (++nodes > MAX_PARAM_NODES) throw new NotPlainJson(`more than ${MAX_PARAM_NODES} values`)
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v
    if (typeof v === 'number') {
      // JSON has no NaN or Infinity; the schemas would refuse them anyway, but say so plainly.
      if (!Number.isFinite(v)) throw new NotPlainJson('a number that is not finite')
      return v
    }
    if (typeof v !== 'object') throw new NotPlainJson(`a value of type ${typeof v}`)
    if (depth >= MAX_PARAM_DEPTH) throw new NotPlainJson(`nested deeper than ${MAX_PARAM_DEPTH} levels`)
    if (seen.has(v)) throw new NotPlainJson('a value that contains itself')
    seen.add(v)
    try {
      if (Array.isArray(v)) {
        const proto = Object.getPrototypeOf(v)
        if (proto !== Array.prototype) throw new NotPlainJson('an array that is not a plain array')
        const len = v.length
        if (len > MAX_PARAM_NODES) throw new NotPlainJson(`an array of more than ${MAX_PARAM_NODES} values`)
        const out: unknown[] = new Array(len)
        for (let i = 0; i < len; i++) {
          const d = Object.getOwnPropertyDescriptor(v, i)
          if (d && !('value' in d)) throw new NotPlainJson('an array with accessors')
          out[i] = d === undefined || d.value === undefined ? null : walk(d.value, depth + 1)
        }
        return out
      }
      const proto = Object.getPrototypeOf(v)
      if (proto !== Object.prototype && proto !== null) throw new NotPlainJson('an object that is not plain')
      const out: Record<string, unknown> = {}
      for (const key of Reflect.ownKeys(v)) {
        if (typeof key !== 'string') throw new NotPlainJson('an object with symbol keys')
        const d = Object.getOwnPropertyDescriptor(v, key)!
        if (!d.enumerable) continue
        if (!('value' in d)) throw new NotPlainJson('an object with accessors')
        if (d.value === undefined) continue // as JSON would drop it
        // defineProperty, not assignment: "__proto__" stays an ordinary key and never sets a prototype.
        Object.defineProperty(out, key, {
          value: walk(d.value, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        })
      }
      return out
    } finally {
      seen.delete(v)
    }
  }
  if (value === undefined) return undefined
  try {
    return walk(value, 0)
  } catch (err) {
    if (err instanceof NotPlainJson) throw err
    // A proxy trap or anything else that threw while we looked: the value is not plain data.
    throw new NotPlainJson('a value that cannot be read as plain data')
  }
}

/** A short, never-throwing description of any value, for error messages. */
export function describeValue(v: unknown): string {
  try {
    if (typeof v === 'string') return JSON.stringify(v.slice(0, 80))
    if (v === null || typeof v === 'number' || typeof v === 'boolean' || v === undefined) return String(v)
    if (Array.isArray(v)) return 'an array'
    return `a value of type ${typeof v}`
  } catch {
    return 'an unreadable value'
  }
}

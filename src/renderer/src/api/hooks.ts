// Small data hooks: load through the contract, refresh when the core says an entity changed.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ChangedEntity, Job } from '../../../shared/contract'
import { api, onEvent } from './client'

export interface Loaded<T> {
  data?: T
  error?: Error
  loading: boolean
  reload(): void
}

/**
 * Loads through the contract when `deps` change, and again when the core says one of `refreshOn` changed.
 * While a reload runs the previous data stays on screen (loading is true), so lists do not flash empty.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
  refreshOn: ChangedEntity[] = [],
): Loaded<T> {
  const [tick, setTick] = useState(0)
  const key = `${JSON.stringify(deps)}#${tick}`
  const [settled, setSettled] = useState<{ key: string; data?: T; error?: Error }>({ key: '' })
  const reload = useCallback(() => setTick((t) => t + 1), [])
  useEffect(() => {
    let stale = false
    load().then(
      (data) => !stale && setSettled({ key, data }),
      (error: Error) => !stale && setSettled((s) => ({ key, data: s.data, error })),
    )
    return () => {
      stale = true
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for deps and reloads
  }, [key])
  const refreshKey = refreshOn.join(',')
  useEffect(() => {
    if (!refreshKey) return
    const entities = refreshKey.split(',')
    return onEvent('changed', (e) => {
      if (entities.includes(e.entity)) reload()
    })
  }, [refreshKey, reload])
  return { data: settled.data, error: settled.error, loading: settled.key !== key, reload }
}

/** Hash routing: #/ward, #/infant/3, #/review?infant=3 … Returns the path parts, a navigate function and the query. */
export function useRoute(): [string[], (path: string) => void, URLSearchParams] {
  const parse = () => {
    const [p = '', q = ''] = location.hash.replace(/^#\/?/, '').split('?')
    return { parts: p.split('/').filter(Boolean), query: q }
  }
  const [route, setRoute] = useState(parse)
  useEffect(() => {
    const on = () => setRoute(parse())
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  const go = useCallback((path: string) => {
    location.hash = `#/${path.replace(/^\//, '')}`
  }, [])
  const query = useMemo(() => new URLSearchParams(route.query), [route.query])
  return [route.parts, go, query]
}

/**
 * Screen shortcuts: `keys` maps KeyboardEvent.key (or 'Space') to an action. Ignored while typing in a field,
 * with a modifier held, or while a dialog is open, so they never steal keys from forms.
 */
export function useShortcuts(keys: Record<string, (() => void) | undefined>, enabled = true): void {
  const ref = useRef(keys)
  useEffect(() => {
    ref.current = keys
  })
  useEffect(() => {
    if (!enabled) return
    const name = (e: KeyboardEvent) =>
      e.code === 'Space' ? 'Space' : e.key.length === 1 ? e.key.toLowerCase() : e.key
    const ignored = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null
      return (
        e.ctrlKey ||
        e.metaKey ||
        e.altKey ||
        !!t?.closest(
          'input, textarea, select, [contenteditable="true"], [role="dialog"], [role="listbox"], [role="menu"]',
        )
      )
    }
    const down = (e: KeyboardEvent) => {
      if (ignored(e)) return
      const action = ref.current[name(e)]
      if (!action) return
      e.preventDefault()
      if (!e.repeat) action()
    }
    // A focused button would also "click" on Space's keyup: the shortcut already acted.
    const up = (e: KeyboardEvent) => {
      if (!ignored(e) && name(e) === 'Space' && ref.current.Space) e.preventDefault()
    }
    window.addEventListener('keydown', down)
    window.addEventListener('keyup', up)
    return () => {
      window.removeEventListener('keydown', down)
      window.removeEventListener('keyup', up)
    }
  }, [enabled])
}

/** `value`, once it has stayed the same for `ms` (a slider being dragged asks the core once it rests). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return settled
}

/** The latest state of a job, from the core's job events (null until the first one arrives). */
export function useJob(jobId: string | null): Job | null {
  const [job, setJob] = useState<Job | null>(null)
  useEffect(() => {
    if (!jobId) return
    let stale = false
    void api.getJob({ jobId }).then(
      (j) => !stale && setJob((cur) => (cur && cur.id === jobId ? cur : j)),
      () => undefined,
    )
    const off = onEvent('job', (j) => {
      if (j.id === jobId) setJob(j)
    })
    return () => {
      stale = true
      off()
    }
  }, [jobId])
  return job && job.id === jobId ? job : null
}

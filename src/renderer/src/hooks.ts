// Small data hooks: load through the contract, refresh when the core says an entity changed.
import { useCallback, useEffect, useRef, useState } from 'react'
import { onEvent } from './api/client'

type Entity = 'infants' | 'recordings' | 'cries' | 'models' | 'alerts' | 'settings' | 'reviews' | 'users'

export interface Loaded<T> {
  data?: T
  error?: Error
  loading: boolean
  reload(): void
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[], refreshOn: Entity[] = []): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true })
  const loadRef = useRef(load)
  loadRef.current = load
  const seq = useRef(0)
  const reload = useCallback(() => {
    const n = ++seq.current
    setState((s) => ({ ...s, loading: true }))
    loadRef.current().then(
      (data) => n === seq.current && setState({ data, loading: false }),
      (error: Error) => n === seq.current && setState({ error, loading: false }),
    )
  }, [])
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(reload, deps)
  const refreshKey = refreshOn.join(',')
  useEffect(() => {
    if (!refreshKey) return
    const entities = refreshKey.split(',')
    return onEvent('changed', (e) => {
      if (entities.includes(e.entity)) reload()
    })
  }, [refreshKey, reload])
  return { ...state, reload }
}

/** Hash routing: #/ward, #/infant/3, #/recording/12 … */
export function useRoute(): [string[], (path: string) => void] {
  const parse = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  const [route, setRoute] = useState(parse)
  useEffect(() => {
    const on = () => setRoute(parse())
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  const go = useCallback((path: string) => {
    location.hash = `#/${path.replace(/^\//, '')}`
  }, [])
  return [route, go]
}

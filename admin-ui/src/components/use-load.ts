import { useCallback, useEffect, useState } from 'preact/hooks'
import { ApiError } from '../api'

export interface Loaded<T> {
  data: T | undefined, error: ApiError | Error | undefined, loading: boolean, reload: () => void
}

/** Loads from an API when `key` changes (and on reload), optionally every `everyMs`. */
export function useLoad<T> (load: () => Promise<T>, key: string, everyMs?: number): Loaded<T> {
  const [state, setState] = useState<{
    data: T | undefined, error: Error | undefined, loading: boolean
  }>({ data: undefined, error: undefined, loading: true })
  const [tick, setTick] = useState(0)
  const reload = useCallback(() => { setTick((n) => n + 1) }, [])
  useEffect(() => {
    let live = true
    setState((s) => ({ ...s, loading: true }))
    load().then((data) => { if (live) setState({ data, error: undefined, loading: false }) },
      (error: Error) => { if (live) setState((s) => ({ data: s.data, error, loading: false })) })
    return () => { live = false }
  }, [key, tick])
  useEffect(() => {
    if (everyMs === undefined) return
    const timer = setInterval(reload, everyMs)
    return () => { clearInterval(timer) }
  }, [everyMs])
  return { ...state, reload }
}

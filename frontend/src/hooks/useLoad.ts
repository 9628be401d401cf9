import { useCallback, useEffect, useRef, useState } from 'react'

export interface Loaded<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload: () => void
  setData: (update: T | ((previous: T | undefined) => T)) => void
}

/** Loads data for a screen; `reload` refetches without blanking what is shown. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setDataState] = useState<T | undefined>(undefined)
  const [error, setError] = useState<unknown>(null)
  const [loading, setLoading] = useState(true)
  const [generation, setGeneration] = useState(0)
  const loader = useRef(load)
  useEffect(() => {
    loader.current = load
  })

  useEffect(() => {
    const controller = new AbortController()
    setLoading(true)
    loader.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return
        setDataState(value)
        setError(null)
        setLoading(false)
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return
        setError(failure)
        setLoading(false)
      },
    )
    return () => controller.abort()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists the inputs
  }, [...deps, generation])

  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  const setData = useCallback((update: T | ((previous: T | undefined) => T)) => {
    setDataState((previous) =>
      typeof update === 'function' ? (update as (p: T | undefined) => T)(previous) : update,
    )
  }, [])
  return { data, error, loading, reload, setData }
}

import { useCallback, useState } from 'react'
import { ApiError, NetworkError } from '../api/client'
import { useI18n } from '../i18n'

export type Errors<T> = Partial<Record<keyof T | string, string>>

/**
 * Form state with errors shown next to the fields: the caller's own checks run first,
 * then the server's 422 `errors` are mapped onto the same fields; anything that is not
 * about one field becomes the form's banner.
 */
export function useForm<T extends object>(initial: T) {
  const { t } = useI18n()
  const [values, setValues] = useState<T>(initial)
  const [errors, setErrors] = useState<Errors<T>>({})
  const [banner, setBanner] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const set = useCallback(<K extends keyof T>(field: K, value: T[K]) => {
    setValues((previous) => ({ ...previous, [field]: value }))
    setErrors((previous) => {
      if (!previous[field]) return previous
      const next = { ...previous }
      delete next[field]
      return next
    })
  }, [])

  const submit = useCallback(
    async (action: () => Promise<void>, validate?: () => Errors<T>) => {
      setBanner(null)
      const local = validate?.() ?? {}
      if (Object.keys(local).length > 0) {
        setErrors(local)
        setBanner(t('form.fixFields'))
        return false
      }
      setErrors({})
      setBusy(true)
      try {
        await action()
        return true
      } catch (error) {
        setBanner(describeError(error, t))
        if (error instanceof ApiError && error.hasFieldErrors()) {
          setErrors(error.fields as Errors<T>)
          setBanner(t('form.fixFields'))
        }
        return false
      } finally {
        setBusy(false)
      }
    },
    [t],
  )

  return { values, set, setValues, errors, setErrors, banner, setBanner, busy, submit }
}

type Translate = ReturnType<typeof useI18n>['t']

/** A sentence telling a person what went wrong and what to do about it. */
export function describeError(error: unknown, t: Translate): string {
  if (error instanceof NetworkError) return t('error.network')
  if (error instanceof ApiError) {
    if (error.status === 401) return t('error.signedOut')
    if (error.status === 403) return `${t('error.forbidden')} ${error.detail}`
    if (error.status === 404) return t('error.notFound')
    if (error.status === 429) return t('error.tooMany')
    if (error.status >= 500) return t('error.server')
    return error.detail
  }
  return t('error.unexpected')
}

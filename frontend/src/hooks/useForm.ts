import { useCallback, useState } from 'react'
import { ApiError, NetworkError, type Problem } from '../api/client'
import { hasMessage, useI18n, type MessageKey } from '../i18n'

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
          setErrors(fieldMessages(error, t) as Errors<T>)
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

/** The server's refusal worded from its code in the person's language, or undefined
 * when the web app does not know that code (then the caller falls back). */
export function problemMessage(problem: Problem | null | undefined, t: Translate): string | undefined {
  if (!problem) return undefined
  const key = `problem.${problem.code}`
  return hasMessage(key) ? t(key as MessageKey, problem.params) : undefined
}

/** Per-field messages of a 422, each from its code when known, else the server's text. */
export function fieldMessages(error: ApiError, t: Translate): Record<string, string> {
  const messages: Record<string, string> = {}
  for (const [field, message] of Object.entries(error.fields)) {
    // A code this build has no words for: a generic phrase, never the server's English.
    messages[field] = problemMessage(error.fieldProblems[field], t) ?? (message && t('problem.validation.value_error'))
  }
  return messages
}

/** A sentence telling a person what went wrong and what to do about it. */
export function describeError(error: unknown, t: Translate): string {
  if (error instanceof NetworkError) return t('error.network')
  if (error instanceof ApiError) {
    const worded = problemMessage(error.problem, t)
    if (error.status === 401) return t('error.signedOut')
    if (error.status === 403) return worded ?? t('error.forbidden')
    if (error.status === 404) return t('error.notFound')
    if (error.status === 429) return worded ?? t('error.tooMany')
    if (error.status >= 500) return t('error.server')
    if (error.hasFieldErrors() && error.problem?.code === 'validation-error') {
      return Object.values(fieldMessages(error, t)).join(' ')
    }
    // The server's detail is English for other clients: an unknown code is worded by status.
    return worded ?? (error.status === 409 ? t('error.conflict') : t('error.refused'))
  }
  return t('error.unexpected')
}

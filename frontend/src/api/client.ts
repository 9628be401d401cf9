// A small typed fetch wrapper over the generated OpenAPI types (see types.ts):
// - adds the bearer token and refreshes it once on 401 (serialised across tabs),
// - turns problem+json responses into ApiError with per-field messages.

import { tokenStore, type Session } from './session'

export const API_BASE = '/api/v1'

export interface FieldErrors {
  [field: string]: string
}

/** A refusal's stable code and the values its message names (problem+json `code`/`params`). */
export interface Problem {
  code: string
  params: Record<string, string | number>
}

export class ApiError extends Error {
  readonly status: number
  readonly title: string
  readonly detail: string
  /** The server's English message per field (the fallback when a code is unknown). */
  readonly fields: FieldErrors
  readonly problem: Problem | null
  /** Code and params per field, for the web app to word in the person's language. */
  readonly fieldProblems: Record<string, Problem>

  constructor(
    status: number,
    title: string,
    detail: string,
    fields: FieldErrors = {},
    problem: Problem | null = null,
    fieldProblems: Record<string, Problem> = {},
  ) {
    super(detail || title)
    this.status = status
    this.title = title
    this.detail = detail
    this.fields = fields
    this.problem = problem
    this.fieldProblems = fieldProblems
  }

  /** True when the server named at least one field the form shows. */
  hasFieldErrors(): boolean {
    return Object.keys(this.fields).length > 0
  }
}

/** The network itself failed (offline, server down): not an answer from the API. */
export class NetworkError extends Error {}

interface ProblemBody {
  title?: string
  detail?: string
  code?: string
  params?: Record<string, string | number>
  errors?: { field: string; message: string; code?: string; params?: Record<string, string | number> }[]
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: ProblemBody = {}
  try {
    body = (await response.json()) as ProblemBody
  } catch {
    // Not JSON (a proxy error page): keep the status text.
  }
  const fields: FieldErrors = {}
  const fieldProblems: Record<string, Problem> = {}
  for (const error of body.errors ?? []) {
    // Keep the first message per field; nested fields arrive as "sessions.0.starts_at".
    fields[error.field] ??= error.message
    if (error.code) fieldProblems[error.field] ??= { code: error.code, params: error.params ?? {} }
  }
  return new ApiError(
    response.status,
    body.title ?? response.statusText,
    body.detail ?? body.title ?? response.statusText,
    fields,
    body.code ? { code: body.code, params: body.params ?? {} } : null,
    fieldProblems,
  )
}

type Query = Record<string, string | number | boolean | null | undefined>

export function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

interface RequestOptions {
  body?: unknown
  form?: Record<string, string>
  /** multipart/form-data (file uploads); the browser writes the boundary header. */
  multipart?: FormData
  query?: Query
  idempotencyKey?: string
  /** The ETag the screen read (`"<revision>"`): a PATCH is refused (412) if it is stale. */
  ifMatch?: string
  anonymous?: boolean
  signal?: AbortSignal
}

let onSignedOut: () => void = () => {}

/** Called when the session can no longer be refreshed (the app shows sign-in). */
export function setSignedOutHandler(handler: () => void): void {
  onSignedOut = handler
}

async function refreshSession(failedAccessToken: string): Promise<Session | null> {
  const run = async (): Promise<Session | null> => {
    // Another tab may have rotated the tokens while we waited: use theirs.
    const current = tokenStore.read()
    if (!current) return null
    if (current.access_token !== failedAccessToken) return current
    const response = await fetch(`${API_BASE}/auth/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: current.refresh_token }),
    })
    if (!response.ok) return null
    const pair = (await response.json()) as Omit<Session, 'expires_at'> & { expires_in: number }
    return tokenStore.save(pair)
  }
  // A refresh token works once: never let two tabs spend it at the same time.
  if (navigator.locks) return navigator.locks.request('distretto-refresh', run)
  return run()
}

/** Sends with the session's bearer token (none when `anonymous`), refreshes the tokens once
 * on 401 and sends again, and turns a refusal into ApiError, a failed network into
 * NetworkError. `sendWith` is called once per attempt, so its body must be re-sendable. */
async function withSession(
  sendWith: (session: Session | null) => Promise<Response>,
  anonymous: boolean,
): Promise<Response> {
  const session = anonymous ? null : tokenStore.read()
  let response: Response
  try {
    response = await sendWith(session)
    if (response.status === 401 && session) {
      const renewed = await refreshSession(session.access_token)
      if (!renewed) {
        tokenStore.clear()
        onSignedOut()
      } else {
        response = await sendWith(renewed)
      }
    }
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new NetworkError(String(error))
  }
  if (!response.ok) throw await toApiError(response)
  return response
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const sendWith = (session: Session | null) => {
    // The server requires If-Match on the PATCHes it versions when it knows the web app asks.
    const headers: Record<string, string> = { Accept: 'application/json', 'X-Distretto-Client': 'web' }
    let body: BodyInit | undefined
    if (options.multipart) {
      body = options.multipart
    } else if (options.form) {
      body = new URLSearchParams(options.form)
      headers['Content-Type'] = 'application/x-www-form-urlencoded'
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body)
      headers['Content-Type'] = 'application/json'
    }
    if (session) headers.Authorization = `Bearer ${session.access_token}`
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey
    if (options.ifMatch) headers['If-Match'] = options.ifMatch
    return fetch(`${API_BASE}${withQuery(path, options.query)}`, {
      method,
      headers,
      body,
      signal: options.signal,
    })
  }
  return withSession(sendWith, options.anonymous ?? false)
}

/** Sends a Request the typed client built (typed.ts), with or without the session. */
async function sendRequest(input: Request, anonymous: boolean): Promise<Response> {
  // The body is read once as bytes: a multipart upload is binary (read as text it would be
  // corrupted), and bytes can be sent again on the retry after a refresh, unlike a stream.
  // The Request's headers keep its Content-Type (with the multipart boundary).
  const body = input.body ? await input.arrayBuffer() : undefined
  const sendWith = (session: Session | null) => {
    const headers = new Headers(input.headers)
    // The server requires If-Match on the PATCHes it versions when it knows the web app asks.
    headers.set('X-Distretto-Client', 'web')
    if (session) headers.set('Authorization', `Bearer ${session.access_token}`)
    return fetch(input.url, { method: input.method, headers, body, signal: input.signal })
  }
  return withSession(sendWith, anonymous)
}

/** The transport of the typed client (typed.ts): the session's bearer token, one refresh on
 * 401, problem+json → ApiError. */
export function authedFetch(input: Request): Promise<Response> {
  return sendRequest(input, false)
}

/** The transport of the calls made without a session (signing in, registering, the links of
 * an email): no bearer token, so a stale session can neither be sent nor trigger a refresh. */
export function anonymousFetch(input: Request): Promise<Response> {
  return sendRequest(input, true)
}

async function json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options)
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    json<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}) =>
    json<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body: unknown, options: Pick<RequestOptions, 'ifMatch'> = {}) =>
    json<T>('PATCH', path, { ...options, body }),
  put: <T>(path: string, body: unknown) => json<T>('PUT', path, { body }),
  delete: <T = void>(path: string) => json<T>('DELETE', path),
  form: <T>(path: string, form: Record<string, string>) =>
    json<T>('POST', path, { form, anonymous: true }),
  upload: <T>(path: string, data: FormData) => json<T>('POST', path, { multipart: data }),
  /** A file's bytes fetched with the session's credentials (previews). */
  blob: async (path: string, signal?: AbortSignal) => (await send('GET', path, { signal })).blob(),
  /** Fetches a file with the session's credentials and hands it to the browser. */
  async download(path: string, filename: string): Promise<void> {
    const response = await send('GET', path, {})
    const url = URL.createObjectURL(await response.blob())
    const link = document.createElement('a')
    link.href = url
    link.download = filename
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  },
}

/** A fresh key for POSTs that create money-relevant things (bids, awards). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID()
}

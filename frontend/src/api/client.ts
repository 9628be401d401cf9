// The transport under the typed client (typed.ts) and the fetch of file bytes:
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

/** GET of a file's bytes (not JSON, so not through the typed client): the session's
 * credentials, one refresh on 401, refusals as ApiError. */
async function getFile(path: string, signal?: AbortSignal): Promise<Response> {
  const sendWith = (session: Session | null) => {
    const headers: Record<string, string> = { 'X-Distretto-Client': 'web' }
    if (session) headers.Authorization = `Bearer ${session.access_token}`
    return fetch(`${API_BASE}${path}`, { headers, signal })
  }
  return withSession(sendWith, false)
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

/** Files: every JSON call goes through the typed client (typed.ts), checked against the
 * OpenAPI schema; only file bytes, which the schema cannot type, are fetched here. */
export const api = {
  /** A file's bytes fetched with the session's credentials (previews). */
  blob: async (path: string, signal?: AbortSignal) => (await getFile(path, signal)).blob(),
  /** Fetches a file with the session's credentials and hands it to the browser. */
  async download(path: string, filename: string): Promise<void> {
    const response = await getFile(path)
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

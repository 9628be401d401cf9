// The typed API client: paths, parameters and bodies checked against the OpenAPI schema
// the backend publishes (`npm run gen:api` regenerates schema.d.ts; `npm run check:api`
// fails when it is stale). Calls go through authedFetch: bearer token, one refresh on
// 401, and problem+json refusals thrown as ApiError (so `data` is always there).
//
//   const firms = await data(apiClient.GET('/api/v1/firms', { params: { query: { q } } }))
//
// Per-call headers: a versioned PATCH sends the ETag it read as the `if-match` header
// parameter its schema declares; a money-relevant POST its `Idempotency-Key` the same way.

import createClient from 'openapi-fetch'
import { anonymousFetch, authedFetch } from './client'
import type { paths } from './schema'

export const apiClient = createClient<paths>({ baseUrl: '', fetch: authedFetch })

/** The same client without the session: signing in, registering, the links of an email. */
export const anonymousClient = createClient<paths>({ baseUrl: '', fetch: anonymousFetch })

/** The body of a successful answer (refusals have already been thrown as ApiError). */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data: body } = await call
  return body as T
}

/** Headers of a body the schema declares as application/x-www-form-urlencoded (the OAuth2
 * password form of /auth/token): openapi-fetch then encodes the typed body as a form. */
export const formEncoded = { 'Content-Type': 'application/x-www-form-urlencoded' } as const

/** The fields of a multipart upload as a screen holds them. The generator types the binary
 * field (`format: binary`, named `file` in every upload of the API) as string, looser than
 * the Blob the browser sends: here it is a Blob, the other fields keep the schema's types. */
export type UploadFields<Body> = { [Field in keyof Body]: Field extends 'file' ? Blob : Body[Field] }

/** An upload's typed body: `body: upload({ file, title }), bodySerializer: asFormData`.
 * The schema's body type is inferred from the call (hence NoInfer), and the one cast says
 * that its `file: string` is a Blob on the wire. */
export function upload<Body>(fields: NoInfer<UploadFields<NonNullable<Body>>>): NonNullable<Body> {
  return fields as unknown as NonNullable<Body>
}

/** openapi-fetch's bodySerializer for uploads: multipart/form-data, the browser writes the
 * boundary. Absent optional fields are left out; numbers (an id) are sent as text. */
export function asFormData(body: object): FormData {
  const form = new FormData()
  for (const [field, value] of Object.entries(body)) {
    if (value instanceof Blob) form.append(field, value)
    else if (value !== undefined && value !== null) form.append(field, String(value))
  }
  return form
}

// The typed API client: paths, parameters and bodies checked against the OpenAPI schema
// the backend publishes (`npm run gen:api` regenerates schema.d.ts; `npm run check:api`
// fails when it is stale). Calls go through authedFetch: bearer token, one refresh on
// 401, and problem+json refusals thrown as ApiError (so `data` is always there).
//
//   const firms = await data(apiClient.GET('/api/v1/firms', { params: { query: { q } } }))

import createClient from 'openapi-fetch'
import { authedFetch } from './client'
import type { paths } from './schema'

export const apiClient = createClient<paths>({ baseUrl: '', fetch: authedFetch })

/** The body of a successful answer (refusals have already been thrown as ApiError). */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data: body } = await call
  return body as T
}

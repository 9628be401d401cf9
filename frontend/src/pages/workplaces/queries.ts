// Data of the role workplaces through the typed client and TanStack Query: one key per
// resource so an action refreshes exactly what it changed.
import { apiClient, data } from '../../api/typed'

export const keys = {
  consortium: (id: number) => ['consortium', id] as const,
  fairs: (consortiumId: number) => ['consortium', consortiumId, 'fairs'] as const,
  courses: (consortiumId: number) => ['consortium', consortiumId, 'courses'] as const,
  roster: (courseId: number) => ['course', courseId, 'roster'] as const,
  disputes: ['moderation', 'disputes'] as const,
  thread: (contractId: number) => ['contract', contractId, 'messages'] as const,
  audit: (filters: object) => ['moderation', 'audit', filters] as const,
}

export const load = {
  consortium: (id: number) =>
    data(apiClient.GET('/api/v1/consortia/{consortium_id}', { params: { path: { consortium_id: id } } })),
  fairs: (id: number) =>
    data(apiClient.GET('/api/v1/consortia/{consortium_id}/trade-fairs', { params: { path: { consortium_id: id }, query: { limit: 20 } } })),
  courses: (id: number) =>
    data(apiClient.GET('/api/v1/consortia/{consortium_id}/courses', { params: { path: { consortium_id: id }, query: { limit: 20 } } })),
  roster: (courseId: number) =>
    data(apiClient.GET('/api/v1/courses/{course_id}/enrolments', { params: { path: { course_id: courseId }, query: { limit: 100 } } })),
  disputes: () => data(apiClient.GET('/api/v1/moderation/disputes', { params: { query: { limit: 50 } } })),
  thread: (contractId: number) =>
    data(apiClient.GET('/api/v1/contracts/{contract_id}/messages', { params: { path: { contract_id: contractId }, query: { limit: 100 } } })),
}

// The forum's reads through TanStack Query and the typed client. The categories change
// only with a migration: one fetch serves the forum and every topic page.
import { useQuery } from '@tanstack/react-query'
import { apiClient, data } from '../../api/typed'

export function useCategories() {
  return useQuery({
    queryKey: ['forum', 'categories'],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/forum/categories', { signal })),
    staleTime: Infinity,
  })
}

export const topicKey = (topicId: number) => ['forum', 'topic', topicId] as const

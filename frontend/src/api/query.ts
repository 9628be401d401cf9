// TanStack Query: one cache for the app. Screens read with useQuery(keys.x(...), ...) and
// refresh what changed with queryClient.invalidateQueries after an action.
import { QueryClient } from '@tanstack/react-query'
import { ApiError } from './client'

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Live events refresh what matters; a refetch on every focus would be noise.
      refetchOnWindowFocus: false,
      staleTime: 15_000,
      // A refusal (403/404/422) will not change by asking again; the network might.
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
    },
  },
})

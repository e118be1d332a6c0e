import { QueryClient } from '@tanstack/react-query';
import { isRetryable } from './client';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failureCount, err) => isRetryable(err) && failureCount < 2,
        refetchOnWindowFocus: false,
        staleTime: 30_000,
      },
      mutations: { retry: false },
    },
  });
}

declare module '@tanstack/react-query' {
  interface Register {
    /** A 401 this mutation explains itself (wrong current password), not "session gone". */
    mutationMeta: { handlesUnauthorized?: boolean };
  }
}

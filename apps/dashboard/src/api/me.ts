import type { SessionInfo } from '@botpulse/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from './client';
import { queryKeys } from './queryKeys';

export function fetchMe(signal?: AbortSignal): Promise<SessionInfo> {
  return apiFetch<SessionInfo>('/api/auth/me', { signal });
}

/** The session survives a reload: the cookie is httpOnly, so asking the server is the only way. */
export const sessionQuery = queryOptions({
  queryKey: queryKeys.me,
  queryFn: ({ signal }) => fetchMe(signal),
  retry: false,
  staleTime: Number.POSITIVE_INFINITY,
});

export function useSession() {
  return useQuery(sessionQuery);
}

import type { UsersResponse } from '@botpulse/protocol';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiFetch, toQueryString } from './client';
import { queryKeys } from './queryKeys';
import type { RangeQuery } from './range';

export function fetchUsers(
  range: RangeQuery,
  page: number,
  pageSize: number,
  signal?: AbortSignal,
): Promise<UsersResponse> {
  const query = toQueryString({ ...range, page, page_size: pageSize });
  return apiFetch<UsersResponse>(`/api/analytics/users${query}`, { signal });
}

export function useUsers(range: RangeQuery, page = 1, pageSize = 25, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: queryKeys.users(range, page, pageSize),
    queryFn: ({ signal }) => fetchUsers(range, page, pageSize, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    enabled: options.enabled ?? true,
  });
}

import type { UsersResponse } from '@botpulse/protocol';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiFetch, toQueryString } from './client';
import { queryKeys } from './queryKeys';
import type { RangeQuery } from './range';

export type UsersSort = UsersResponse['sort'];

export function fetchUsers(
  range: RangeQuery,
  page: number,
  pageSize: number,
  signal?: AbortSignal,
  sort: UsersSort = 'messages',
): Promise<UsersResponse> {
  // `sort=messages` is the API's default: leave it out so the URL stays what it always was.
  const query = toQueryString({ ...range, page, page_size: pageSize, ...(sort === 'cost' ? { sort } : {}) });
  return apiFetch<UsersResponse>(`/api/analytics/users${query}`, { signal });
}

export function useUsers(
  range: RangeQuery,
  page = 1,
  pageSize = 25,
  options: { enabled?: boolean; sort?: UsersSort } = {},
) {
  const sort = options.sort ?? 'messages';
  return useQuery({
    queryKey: queryKeys.users(range, page, pageSize, sort),
    queryFn: ({ signal }) => fetchUsers(range, page, pageSize, signal, sort),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    enabled: options.enabled ?? true,
  });
}

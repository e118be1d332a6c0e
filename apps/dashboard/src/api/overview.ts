import type { OverviewResponse } from '@botpulse/protocol';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiFetch, toQueryString } from './client';
import { queryKeys } from './queryKeys';
import type { RangeQuery } from './range';

export function fetchOverview(range: RangeQuery, signal?: AbortSignal): Promise<OverviewResponse> {
  return apiFetch<OverviewResponse>(`/api/analytics/overview${toQueryString({ ...range })}`, { signal });
}

export function useOverview(range: RangeQuery) {
  return useQuery({
    queryKey: queryKeys.overview(range),
    queryFn: ({ signal }) => fetchOverview(range, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

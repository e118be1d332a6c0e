import type { Granularity, TimelineResponse } from '@botpulse/protocol';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiFetch, toQueryString } from './client';
import { queryKeys } from './queryKeys';
import type { RangeQuery } from './range';

export function fetchTimeline(
  range: RangeQuery,
  granularity: Granularity,
  signal?: AbortSignal,
): Promise<TimelineResponse> {
  return apiFetch<TimelineResponse>(`/api/analytics/timeline${toQueryString({ ...range, granularity })}`, {
    signal,
  });
}

export function useTimeline(
  range: RangeQuery,
  granularity: Granularity,
  options: { refetchIntervalMs?: number } = {},
) {
  return useQuery({
    queryKey: queryKeys.timeline(range, granularity),
    queryFn: ({ signal }) => fetchTimeline(range, granularity, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    refetchInterval: options.refetchIntervalMs ?? false,
  });
}

import type { HeatmapResponse } from '@botpulse/protocol';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiFetch, toQueryString } from './client';
import { queryKeys } from './queryKeys';
import type { RangeQuery } from './range';

export function fetchHeatmap(range: RangeQuery, signal?: AbortSignal): Promise<HeatmapResponse> {
  return apiFetch<HeatmapResponse>(`/api/analytics/heatmap${toQueryString({ ...range })}`, { signal });
}

export function useHeatmap(range: RangeQuery) {
  return useQuery({
    queryKey: queryKeys.heatmap(range),
    queryFn: ({ signal }) => fetchHeatmap(range, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

import type { MonitoringDashboard } from '@botpulse/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from './client';
import { queryKeys } from './queryKeys';

export function fetchDashboard(signal?: AbortSignal): Promise<MonitoringDashboard> {
  return apiFetch<MonitoringDashboard>('/api/monitoring/dashboard', { signal });
}

/** The snapshot the live state starts from; the socket keeps it current, so it never goes stale by time. */
export const dashboardQuery = queryOptions({
  queryKey: queryKeys.dashboard,
  queryFn: ({ signal }) => fetchDashboard(signal),
  staleTime: Number.POSITIVE_INFINITY,
});

export function useDashboardSnapshot() {
  return useQuery(dashboardQuery);
}

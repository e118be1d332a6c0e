import type {
  AlertChannelRequest,
  AlertChannelView,
  AlertHistoryPage,
  AlertName,
  AlertRuleUpdate,
  AlertRuleView,
  AlertSilenceView,
  AlertsOverview,
} from '@botpulse/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from './client';
import { queryKeys } from './queryKeys';

/** Rules, channels and silences; refreshed every 5 s (the banner on every page reads it too). */
export function useAlerts() {
  return useQuery({
    queryKey: queryKeys.alerts,
    queryFn: ({ signal }) => apiFetch<AlertsOverview>('/api/alerts', { signal }),
    refetchInterval: 5_000,
    staleTime: 4_000,
  });
}

export function useAlertHistory() {
  return useQuery({
    queryKey: queryKeys.alertHistory,
    queryFn: ({ signal }) => apiFetch<AlertHistoryPage>('/api/alerts/history?limit=50', { signal }),
    refetchInterval: 5_000,
    staleTime: 4_000,
  });
}

/** A mutation that refreshes the Alerts data when it is done. */
function useAlertsMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.alerts }),
  });
}

export const useUpdateRule = () =>
  useAlertsMutation(({ alertname, update }: { alertname: AlertName; update: AlertRuleUpdate }) =>
    apiFetch<AlertRuleView>(`/api/alerts/rules/${alertname}`, { method: 'PUT', body: update }),
  );

export const useAddChannel = () =>
  useAlertsMutation((req: AlertChannelRequest) =>
    apiFetch<AlertChannelView>('/api/alerts/channels', { method: 'POST', body: req }),
  );

export const useDeleteChannel = () =>
  useAlertsMutation((id: string) =>
    apiFetch<void>(`/api/alerts/channels/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  );

export const useTestChannel = () =>
  useAlertsMutation((id: string) =>
    apiFetch<{ ok: boolean; error?: string }>(`/api/alerts/channels/${encodeURIComponent(id)}/test`, {
      method: 'POST',
    }),
  );

export const useAddSilence = () =>
  useAlertsMutation((req: { alertname?: AlertName; until: string }) =>
    apiFetch<AlertSilenceView>('/api/alerts/silences', { method: 'POST', body: req }),
  );

export const useDeleteSilence = () =>
  useAlertsMutation((id: number) => apiFetch<void>(`/api/alerts/silences/${id}`, { method: 'DELETE' }));

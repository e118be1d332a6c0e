import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
} from 'react';
import { useDashboardSnapshot } from '../api/dashboard';
import { queryKeys } from '../api/queryKeys';
import { useSocket } from '../socket/SocketContext';
import { maxMessageId } from '../transforms/feed';
import { initialMetricsState, type MetricsState, metricsReducer } from './metricsReducer';

export interface MetricsContextValue extends MetricsState {
  status: 'loading' | 'error' | 'ready';
  error: Error | null;
  retry(): void;
  /** after a data-protection delete: drop the user's messages from the feed at once */
  removeUser(userId: string): void;
}

const MetricsContext = createContext<MetricsContextValue | null>(null);

/**
 * Starts from `GET /api/monitoring/dashboard` and then follows the socket, so totals, health and
 * the feed change live without a reload. After a reconnect the snapshot is fetched again: events
 * other than messages are not replayed, and health may have changed while we were away.
 */
export function MetricsProvider({ children }: { children: ReactNode }) {
  const snapshot = useDashboardSnapshot();
  const socket = useSocket();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(metricsReducer, initialMetricsState);
  const { listen, setResumePoint, epoch } = socket;

  useEffect(() => {
    if (!snapshot.data) return;
    dispatch({ type: 'snapshot', data: snapshot.data });
    setResumePoint(maxMessageId(snapshot.data.recent_messages) ?? 0);
  }, [snapshot.data, setResumePoint]);

  useEffect(() => {
    // Without a snapshot there is nothing to line the stream up with: take it from now on.
    if (snapshot.isError) setResumePoint(null);
  }, [snapshot.isError, setResumePoint]);

  useEffect(() => {
    if (epoch > 1) void queryClient.invalidateQueries({ queryKey: queryKeys.dashboard });
  }, [epoch, queryClient]);

  useEffect(() => {
    const offs = [
      listen('metrics:update', (e) => dispatch({ type: 'metrics', data: e.data, timestamp: e.timestamp })),
      listen('health:changed', (e) => dispatch({ type: 'health', data: e.data, timestamp: e.timestamp })),
      listen('message:new', (e) =>
        dispatch({ type: 'messages', messages: [e.data], timestamp: e.timestamp }),
      ),
      listen('error:occurred', (e) => dispatch({ type: 'error', error: e.data })),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [listen]);

  const { refetch } = snapshot;
  const retry = useCallback(() => void refetch(), [refetch]);
  const removeUser = useCallback((userId: string) => dispatch({ type: 'userDeleted', userId }), []);

  const status: MetricsContextValue['status'] = state.totals
    ? 'ready'
    : snapshot.isError
      ? 'error'
      : 'loading';
  const value = useMemo<MetricsContextValue>(
    () => ({ ...state, status, error: snapshot.error, retry, removeUser }),
    [state, status, snapshot.error, retry, removeUser],
  );
  return <MetricsContext.Provider value={value}>{children}</MetricsContext.Provider>;
}

export function useMetrics(): MetricsContextValue {
  const value = useContext(MetricsContext);
  if (!value) throw new Error('useMetrics must be used inside <MetricsProvider>');
  return value;
}

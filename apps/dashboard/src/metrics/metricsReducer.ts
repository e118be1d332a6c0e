import type {
  AdminSelfHealth,
  DashboardHealth,
  DashboardMetricsUpdate,
  DashboardTotals,
  ErrorEvent,
  FeedMessage,
  GenAiToday,
  InstanceState,
  MonitoringDashboard,
} from '@botpulse/protocol';
import { FEED_CAPACITY, maxMessageId, mergeFeed } from '../transforms/feed';

/** The plan's MetricsContext state (3.1.2), plus what the diagnostics panel needs. */
export interface MetricsState {
  health: DashboardHealth | null;
  totals: DashboardTotals | null;
  instances: InstanceState[];
  admin: AdminSelfHealth | null;
  /** the Gemini card: usage and cost today (null until known, or from an admin without it) */
  genAi: GenAiToday | null;
  demo: boolean;
  /** newest first, at most 50, unique by id */
  realtimeMessages: FeedMessage[];
  recentErrors: ErrorEvent[];
  /** ISO time of the newest snapshot or event applied */
  lastUpdate: string | null;
  /** as of when totals and health are known: older events must not roll them back */
  metricsAt: string | null;
  healthAt: string | null;
}

export type MetricsAction =
  | { type: 'snapshot'; data: MonitoringDashboard }
  | { type: 'metrics'; data: DashboardMetricsUpdate; timestamp: string }
  | { type: 'health'; data: DashboardHealth; timestamp: string }
  | { type: 'messages'; messages: FeedMessage[]; timestamp: string }
  | { type: 'error'; error: ErrorEvent }
  | { type: 'userDeleted'; userId: string };

export const ERRORS_KEPT = 20;

export const initialMetricsState: MetricsState = {
  health: null,
  totals: null,
  instances: [],
  admin: null,
  genAi: null,
  demo: false,
  realtimeMessages: [],
  recentErrors: [],
  lastUpdate: null,
  metricsAt: null,
  healthAt: null,
};

/** An event older than what we show (a late delivery, a second admin) must not roll numbers back. */
function isOlder(timestamp: string, than: string | null): boolean {
  return than !== null && Date.parse(timestamp) < Date.parse(than);
}

function newest(a: string | null, b: string): string {
  return a !== null && Date.parse(a) > Date.parse(b) ? a : b;
}

export function metricsReducer(state: MetricsState, action: MetricsAction): MetricsState {
  switch (action.type) {
    case 'snapshot': {
      const { data } = action;
      // The snapshot is the truth up to its newest message; keep only what streamed in after it.
      // This also drops messages of a user deleted meanwhile.
      const snapshotMax = maxMessageId(data.recent_messages) ?? 0;
      const newer = state.realtimeMessages.filter((m) => m.id > snapshotMax);
      const metricsFresh = !isOlder(data.generated_at, state.metricsAt);
      const healthFresh = !isOlder(data.generated_at, state.healthAt);
      return {
        ...state,
        ...(metricsFresh
          ? {
              totals: data.totals,
              instances: data.instances,
              admin: data.admin,
              genAi: data.gen_ai ?? null,
              metricsAt: data.generated_at,
            }
          : {}),
        ...(healthFresh ? { health: data.health, healthAt: data.generated_at } : {}),
        demo: data.demo,
        realtimeMessages: mergeFeed(data.recent_messages, newer, FEED_CAPACITY),
        lastUpdate: newest(state.lastUpdate, data.generated_at),
      };
    }
    case 'metrics':
      if (isOlder(action.timestamp, state.metricsAt)) return state;
      return {
        ...state,
        totals: action.data.totals,
        instances: action.data.instances,
        admin: action.data.admin,
        genAi: action.data.gen_ai ?? state.genAi,
        metricsAt: action.timestamp,
        lastUpdate: newest(state.lastUpdate, action.timestamp),
      };
    case 'health':
      if (isOlder(action.timestamp, state.healthAt)) return state;
      return {
        ...state,
        health: action.data,
        healthAt: action.timestamp,
        lastUpdate: newest(state.lastUpdate, action.timestamp),
      };
    case 'messages':
      // Messages are never stale: the ring orders them by id, whatever their arrival order.
      return {
        ...state,
        realtimeMessages: mergeFeed(state.realtimeMessages, action.messages, FEED_CAPACITY),
        lastUpdate: newest(state.lastUpdate, action.timestamp),
      };
    case 'error':
      return { ...state, recentErrors: [action.error, ...state.recentErrors].slice(0, ERRORS_KEPT) };
    case 'userDeleted':
      return {
        ...state,
        realtimeMessages: state.realtimeMessages.filter((m) => m.user_id !== action.userId),
      };
  }
}

import type { ConversationFilterParams, Granularity } from '@botpulse/protocol';
import type { RangeQuery } from './range';

/** All keys in one place so invalidation after a delete or a reconnect cannot miss one. */
export const queryKeys = {
  me: ['auth', 'me'] as const,
  dashboard: ['monitoring', 'dashboard'] as const,
  analytics: ['analytics'] as const,
  overview: (range: RangeQuery) => ['analytics', 'overview', range] as const,
  timeline: (range: RangeQuery, granularity: Granularity) =>
    ['analytics', 'timeline', range, granularity] as const,
  users: (range: RangeQuery, page: number, pageSize: number, sort: 'messages' | 'cost' = 'messages') =>
    ['analytics', 'users', range, page, pageSize, sort] as const,
  heatmap: (range: RangeQuery) => ['analytics', 'heatmap', range] as const,
  alerts: ['alerts'] as const,
  alertHistory: ['alerts', 'history'] as const,
  conversations: (filter: ConversationFilterParams) => ['conversations', 'search', filter] as const,
  userProfile: (userId: string) => ['conversations', 'user', userId] as const,
  transcript: (userId: string, around: number | null) =>
    ['conversations', 'transcript', userId, around] as const,
};

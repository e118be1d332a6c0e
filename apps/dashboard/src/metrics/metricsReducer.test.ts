import { describe, expect, it } from 'vitest';
import {
  makeDashboard,
  makeGenAiToday,
  makeHealth,
  makeMessage,
  makeService,
  makeTotals,
} from '../test/fixtures';
import { initialMetricsState, type MetricsState, metricsReducer } from './metricsReducer';

const snapshot = (state: MetricsState = initialMetricsState) =>
  metricsReducer(state, { type: 'snapshot', data: makeDashboard() });

describe('metricsReducer', () => {
  it('starts from the snapshot', () => {
    const state = snapshot();
    expect(state.totals?.messages.total).toBe(1234);
    expect(state.realtimeMessages.map((m) => m.id)).toEqual([3, 2, 1]);
    expect(state.lastUpdate).toBe('2026-03-08T12:00:00.000Z');
  });
  it('applies metrics and health updates, but not older ones', () => {
    let state = snapshot();
    const update = {
      totals: makeTotals({ total: 2000 }),
      instances: [],
      admin: makeDashboard().admin,
      gen_ai: makeGenAiToday({ cost_usd: 0.5 }),
    };
    state = metricsReducer(state, { type: 'metrics', data: update, timestamp: '2026-03-08T12:00:05.000Z' });
    expect(state.totals?.messages.total).toBe(2000);
    expect(state.genAi?.cost_usd).toBe(0.5);
    const stale = { ...update, totals: makeTotals({ total: 1 }), gen_ai: makeGenAiToday({ cost_usd: 0.1 }) };
    state = metricsReducer(state, { type: 'metrics', data: stale, timestamp: '2026-03-08T11:59:00.000Z' });
    expect(state.totals?.messages.total).toBe(2000);
    expect(state.genAi?.cost_usd).toBe(0.5);
    const health = makeHealth({ database: makeService({ status: 'down' }) });
    state = metricsReducer(state, { type: 'health', data: health, timestamp: '2026-03-08T12:00:06.000Z' });
    expect(state.health?.overall).toBe('down');
  });
  it('adds messages newest first without duplicates', () => {
    let state = snapshot();
    state = metricsReducer(state, {
      type: 'messages',
      messages: [makeMessage(4), makeMessage(3)],
      timestamp: '2026-03-08T12:00:07Z',
    });
    expect(state.realtimeMessages.map((m) => m.id)).toEqual([4, 3, 2, 1]);
  });
  it('a later snapshot keeps what streamed in after it and drops what it no longer has', () => {
    let state = snapshot();
    state = metricsReducer(state, {
      type: 'messages',
      messages: [makeMessage(9)],
      timestamp: '2026-03-08T12:00:07Z',
    });
    // The user of message 2 was deleted meanwhile: the new snapshot lacks it.
    const next = makeDashboard({
      recent_messages: [makeMessage(5), makeMessage(3), makeMessage(1)],
      generated_at: '2026-03-08T12:01:00Z',
    });
    state = metricsReducer(state, { type: 'snapshot', data: next });
    expect(state.realtimeMessages.map((m) => m.id)).toEqual([9, 5, 3, 1]);
  });
  it('keeps the last errors and removes a deleted user from the feed', () => {
    let state = snapshot();
    state = metricsReducer(state, {
      type: 'error',
      error: {
        instance_id: 'bot-1',
        stage: 'send',
        dependency: 'facebook',
        message: 'token expired',
        at: '2026-03-08T12:00:00Z',
      },
    });
    expect(state.recentErrors).toHaveLength(1);
    state = metricsReducer(state, { type: 'userDeleted', userId: 'user-2' });
    expect(state.realtimeMessages.map((m) => m.id)).toEqual([3, 1]);
  });
});

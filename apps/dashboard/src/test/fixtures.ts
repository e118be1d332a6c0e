import type {
  DashboardHealth,
  DashboardTotals,
  Envelope,
  FeedMessage,
  GenAiToday,
  HeatmapResponse,
  InstanceState,
  MonitoringDashboard,
  OverviewResponse,
  ServiceHealth,
  TimelineResponse,
  UsersResponse,
} from '@botpulse/protocol';

/** Test data builders: each test states only what it cares about. */
export function makeMessage(id: number, overrides: Partial<FeedMessage> = {}): FeedMessage {
  return {
    id,
    user_id: `user-${id}`,
    user_name: `User ${id}`,
    message_text: `Message number ${id}`,
    reply_text: `Reply to ${id}`,
    timestamp: new Date(Date.UTC(2026, 2, 8, 12, 0, id % 60)).toISOString(),
    response_time: 850.5,
    instance_id: 'bot-1',
    status: 'replied',
    kind: 'text',
    ...overrides,
  };
}

export function makeService(overrides: Partial<ServiceHealth> = {}): ServiceHealth {
  return { status: 'ok', checked_at: '2026-03-08T12:00:00.000Z', latency_ms: 12.5, ...overrides };
}

export function makeHealth(overrides: Partial<DashboardHealth['services']> = {}): DashboardHealth {
  const services = {
    bot: makeService(),
    database: makeService(),
    facebook: makeService({ status: 'not_configured', checked_at: null, latency_ms: undefined }),
    gemini: makeService(),
    ...overrides,
  };
  const statuses = Object.values(services).map((s) => s.status);
  const overall = statuses.includes('down') ? 'down' : statuses.includes('degraded') ? 'degraded' : 'ok';
  return { overall, services };
}

export function makeTotals(
  overrides: { total?: number; activeToday?: number; avg?: number } = {},
): DashboardTotals {
  return {
    messages: {
      total: overrides.total ?? 1234,
      last_hour: 42,
      last_24h: 987,
      avg_response_time: overrides.avg ?? 1432.7,
      p95_response_time: 3210,
      failed_last_hour: 0,
    },
    users: {
      total: 321,
      active_today: overrides.activeToday ?? 56,
      active_this_week: 210,
      active_last_30_min: 7,
    },
    stages: {
      queue: { avg_ms: 0, p95_ms: 0 },
      profile: { avg_ms: 4.3, p95_ms: 12 },
      generate: { avg_ms: 1100, p95_ms: 2800 },
      send: { avg_ms: 320, p95_ms: 600 },
      store: { avg_ms: 4.2, p95_ms: 9 },
      other: { avg_ms: 4.2, p95_ms: 9 },
    },
  };
}

export function makeInstance(overrides: Partial<InstanceState> = {}): InstanceState {
  return {
    instance_id: 'bot-1',
    status: 'ok',
    connected: true,
    last_seen: '2026-03-08T12:00:00.000Z',
    metrics: null,
    health: null,
    ...overrides,
  };
}

export function makeGenAiToday(overrides: Partial<GenAiToday> = {}): GenAiToday {
  return {
    since: '2026-03-08T00:00:00.000Z',
    requests: 412,
    input_tokens: 61_800,
    cached_tokens: 24_300,
    output_tokens: 20_600,
    reasoning_tokens: 38_200,
    cost_usd: 0.1649,
    cost_per_message: 0.1649 / 412,
    blocked: 3,
    truncated: 9,
    blocked_share: 3 / 412,
    truncated_share: 9 / 412,
    latency_avg_ms: 842,
    latency_p95_ms: 2310,
    unpriced_models: [],
    ...overrides,
  };
}

export function makeDashboard(overrides: Partial<MonitoringDashboard> = {}): MonitoringDashboard {
  return {
    health: makeHealth(),
    totals: makeTotals(),
    instances: [makeInstance()],
    recent_messages: [makeMessage(3), makeMessage(2), makeMessage(1)],
    admin: {
      uptime: 7200,
      event_loop_lag_p99_ms: 3.2,
      dashboard_clients: 1,
      bot_links: 1,
      rollup_lag_rows: 0,
      rollup_lag_s: 0,
      feed_lag_ms: 12,
      accuracy: null,
    },
    gen_ai: makeGenAiToday(),
    demo: false,
    generated_at: '2026-03-08T12:00:00.000Z',
    ...overrides,
  };
}

export function envelope<T extends string, D>(
  type: T,
  data: D,
  timestamp = new Date().toISOString(),
): Envelope<T, D> {
  return { type, data, timestamp };
}

export function makeTimeline(overrides: Partial<TimelineResponse> = {}): TimelineResponse {
  const buckets = [0, 1, 2, 3, 4, 5, 6].map((d) => ({
    start: `2026-03-0${d + 2}T00:00:00Z`,
    messages: d === 4 ? 500 : 100 + d,
    users: 10 + d,
    input_tokens: 15_000 + d * 100,
    output_tokens: 12_000 + d * 100,
    cost_usd: 0.6 + d / 100 + (d === 6 ? 0 : 0.05),
    cost_by_model: {
      'gemini-2.5-flash': 0.6 + d / 100,
      ...(d === 6 ? {} : { 'gemini-2.5-pro': 0.05 }),
    },
  }));
  return {
    granularity: 'day',
    tz: 'UTC',
    from: '2026-03-02',
    to: '2026-03-08',
    buckets,
    previous: buckets.map((b) => ({ ...b, start: b.start.replace('-03-0', '-02-2'), messages: 80 })),
    anomalies: ['2026-03-06T00:00:00Z'],
    mean: 160,
    std_dev: 140,
    baseline: { trailing_buckets: 28, buckets: 35, k: 2 },
    as_of: '2026-03-09T12:00:00.000Z',
    ...overrides,
  };
}

export function makeOverview(overrides: Partial<OverviewResponse> = {}): OverviewResponse {
  return {
    from: '2026-03-02',
    to: '2026-03-08',
    tz: 'UTC',
    current: {
      messages: 12345,
      users: 678,
      avg_response_time_ms: 1250.4,
      input_tokens: 1_851_000,
      output_tokens: 1_544_000,
      cost_usd: 4.3175,
    },
    previous: {
      messages: 10000,
      users: 700,
      avg_response_time_ms: 1000,
      input_tokens: 1_500_000,
      output_tokens: 1_250_000,
      cost_usd: 3.5,
    },
    change_pct: {
      messages: 23.45,
      users: -3.14,
      avg_response_time_ms: 25.04,
      input_tokens: 23.4,
      output_tokens: 23.52,
      cost_usd: 23.36,
    },
    unpriced_models: [],
    sparklines: { messages: [1, 5, 3, 8, 6, 9, 12], users: [1, 2, 3, 2, 4, 3, 5] },
    as_of: '2026-03-09T12:00:00.000Z',
    previous_until: '2026-03-02T00:00:00Z',
    sparklines_complete: 7,
    ...overrides,
  };
}

export function makeUsers(overrides: Partial<UsersResponse> = {}): UsersResponse {
  return {
    from: '2026-03-02',
    to: '2026-03-08',
    tz: 'UTC',
    dau: 40,
    wau: 200,
    mau: 650,
    new_users: 30,
    returning_users: 70,
    active_per_day: [0, 1, 2, 3, 4, 5, 6].map((d) => ({ date: `2026-03-0${d + 2}`, users: 20 + d })),
    top: [
      {
        user_id: '1000001',
        name: 'Ada Lovelace',
        messages: 321,
        cost_usd: 0.0912,
        last_seen: '2026-03-08T10:00:00Z',
      },
      { user_id: '1000002', name: null, messages: 99, cost_usd: 0.0281, last_seen: '2026-03-07T10:00:00Z' },
    ],
    sort: 'messages',
    page: 1,
    page_size: 25,
    total: 2,
    as_of: '2026-03-09T12:00:00.000Z',
    ...overrides,
  };
}

export function makeHeatmap(): HeatmapResponse {
  return {
    tz: 'UTC',
    from: '2026-03-02',
    to: '2026-03-08',
    cells: [
      { dow: 0, hour: 9, messages: 40 },
      { dow: 6, hour: 23, messages: 5 },
    ],
  };
}

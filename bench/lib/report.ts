/** The keys of bench/results.json (issue #6), with their targets. Numbers only in the file. */
export const TARGETS = {
  collector_ns_per_message: { target: '≤ 100', ok: (v: number) => v <= 100, unit: 'ns' },
  promclient_ns_per_message: { target: 'baseline', ok: () => true, unit: 'ns' },
  collector_vs_promclient_ratio: { target: '≤ 1.0', ok: (v: number) => v <= 1, unit: '×' },
  webhook_msgs_per_s: { target: '≥ 2,000', ok: (v: number) => v >= 2000, unit: 'msg/s' },
  pg_insert_ceiling_tps: { target: 'baseline', ok: () => true, unit: 'tps' },
  webhook_vs_pg_ceiling_ratio: { target: '≥ 0.25', ok: (v: number) => v >= 0.25, unit: '×' },
  webhook_ack_p99_ms: { target: '≤ 50', ok: (v: number) => v <= 50, unit: 'ms' },
  live_latency_p99_ms: { target: '≤ 100', ok: (v: number) => v <= 100, unit: 'ms' },
  monitoring_overhead_pct: { target: '≤ 2', ok: (v: number) => v <= 2, unit: '%' },
  timeline_p95_ms_10m: { target: '≤ 100', ok: (v: number) => v <= 100, unit: 'ms' },
  timeline_speedup_vs_naive: { target: '≥ 20', ok: (v: number) => v >= 20, unit: '×' },
  overview_p95_ms_10m: { target: '≤ 100', ok: (v: number) => v <= 100, unit: 'ms' },
  users_p95_ms_10m: { target: '≤ 100', ok: (v: number) => v <= 100, unit: 'ms' },
  heatmap_p95_ms_10m: { target: '≤ 100', ok: (v: number) => v <= 100, unit: 'ms' },
  timeline_weekly_p95_ms_10m: { target: '≤ 100', ok: (v: number) => v <= 100, unit: 'ms' },
  bot_rss_growth_mb_1m_users: { target: '≤ 100', ok: (v: number) => v <= 100, unit: 'MB' },
  dashboard_ready_ms: { target: '≤ 1,000', ok: (v: number) => v <= 1000, unit: 'ms' },
  dashboard_initial_js_gzip_kb: { target: '≤ 250', ok: (v: number) => v <= 250, unit: 'KB' },
  explorer_search_p95_ms_10m: { target: '≤ 150', ok: (v: number) => v <= 150, unit: 'ms' },
  explorer_rare_word_p95_ms_10m: { target: 'report', ok: () => true, unit: 'ms' },
  explorer_page50_p95_ms_10m: { target: 'report', ok: () => true, unit: 'ms' },
  explorer_transcript_p95_ms_10m: { target: 'report', ok: () => true, unit: 'ms' },
  explorer_failed_90d_p95_ms_10m: { target: 'report', ok: () => true, unit: 'ms' },
  explorer_index_mb_10m: { target: 'report', ok: () => true, unit: 'MB' },
  explorer_table_mb_10m: { target: 'report', ok: () => true, unit: 'MB' },
  history_rows_per_s: { target: 'report', ok: () => true, unit: 'rows/s' },
  import_rows_per_s: { target: 'report', ok: () => true, unit: 'rows/s' },
  import_vs_copy_ratio: { target: '≥ 0.3', ok: (v: number) => v >= 0.3, unit: '×' },
} as const;

export type ResultKey = keyof typeof TARGETS;
export type Results = Partial<Record<ResultKey, number>>;

export function formatNumber(v: number): string {
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** The readable table printed at the end of a run. */
export function table(results: Results, notes: Partial<Record<ResultKey, string>>): string {
  const rows = (Object.keys(TARGETS) as ResultKey[]).map((key) => {
    const v = results[key];
    const t = TARGETS[key];
    const mark = v === undefined ? '–' : t.ok(v) ? '✓' : '✗';
    return [
      key,
      v === undefined ? 'not run' : `${formatNumber(v)} ${t.unit}`,
      t.target,
      mark,
      notes[key] ?? '',
    ];
  });
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ['key', 'value', 'target', ''][i]!.length),
  );
  const line = (r: string[]) => r.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join('  ');
  return [line(['key', 'value', 'target', '', 'note']), ...rows.map(line)].join('\n');
}

/** Progress on one line when on a terminal, plain lines otherwise. */
export function progress(text: string): void {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K  ${text}`);
  else console.log(`  ${text}`);
}

export function endProgress(): void {
  if (process.stdout.isTTY) process.stdout.write('\n');
}

import type { SimulationSummary } from './run';
import type { ProgressSnapshot } from './stats';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (Number.isNaN(n) ? '–' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : int(n));

export function formatElapsed(totalMs: number): string {
  const s = Math.floor(totalMs / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** The one-line live status: sent, acked, errors, rate and p95 over the last seconds. */
export function formatProgress(p: ProgressSnapshot): string {
  return [
    formatElapsed(p.elapsedMs),
    `sent ${int(p.userMessages)} msgs / ${int(p.posts)} posts`,
    `acked ${int(p.acked)}`,
    `errors ${int(p.errors)}`,
    `rate ${int(p.recentRatePerMinute)}/min`,
    `p95 ack ${ms(p.recentP95Ms)} ms`,
    ...(p.inFlight > 0 ? [`in flight ${int(p.inFlight)}`] : []),
  ].join(' | ');
}

/**
 * Writes progress in place on a terminal (one line, redrawn) and as plain periodic lines
 * otherwise (logs and CI would fill up with carriage-return soup).
 */
export class ProgressPrinter {
  private lastPlainAt = 0;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly plainEveryMs = 10_000,
  ) {}

  update(p: ProgressSnapshot): void {
    const line = formatProgress(p);
    if (this.out.isTTY) {
      const width = this.out.columns || 120;
      this.out.write(`\r${line.slice(0, Math.max(10, width - 1))}\x1b[K`);
      this.drawn = true;
    } else if (p.elapsedMs - this.lastPlainAt >= this.plainEveryMs) {
      this.lastPlainAt = p.elapsedMs;
      this.out.write(`${line}\n`);
    }
  }

  /** Leaves the in-place line so what follows starts on a fresh one. */
  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

/** Scheduling later than this (p99) means the simulator, not the bot, limited the run. */
const LAG_WARNING_MS = 50;

export function formatSummary(s: SimulationSummary): string {
  const events = Object.entries(s.events)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${int(n)}`)
    .join(', ');
  const statuses = Object.entries(s.statuses)
    .map(([status, n]) => `${status}: ${int(n)}`)
    .join(', ');
  const lat = s.latencyMs;
  const lines = [
    `Simulation finished after ${formatElapsed(s.durationMs)} against ${s.url} ` +
      `(${s.mode} mode, ${s.users} users, seed "${s.seed}"${s.rhythm ? ', daily rhythm' : ''})`,
    `  user messages  ${int(s.userMessages)} sent, ${s.achievedRatePerMinute.toFixed(1)}/min achieved ` +
      `(target ${int(s.targetRatePerMinute)}/min${s.rhythm ? ' on average over a day' : ''})`,
    `  duplicates     ${int(s.duplicates)} re-delivered with the same mid`,
    `  webhook POSTs  ${int(s.posts)} sent, ${int(s.acked)} acknowledged (2xx), ${int(s.non2xx)} non-2xx, ` +
      `${int(s.failed)} failed, ${int(s.timeouts)} timed out, ${int(s.dropped)} dropped`,
    `  events         ${events || 'none'}`,
    `  statuses       ${statuses || 'none'}`,
    lat
      ? `  ack latency    p50 ${ms(lat.p50)} ms, p95 ${ms(lat.p95)} ms, p99 ${ms(lat.p99)} ms, max ${ms(lat.max)} ms`
      : '  ack latency    no acknowledged POSTs',
  ];
  const simulatorBehind = s.schedulerLagMs.p99 > LAG_WARNING_MS;
  if (simulatorBehind) {
    lines.push(
      `  note: the simulator itself fell behind (scheduling lag p99 ${ms(s.schedulerLagMs.p99)} ms): ` +
        'above this rate its numbers are not trustworthy; split the load over several simulators',
    );
  } else if (s.dropped > 0) {
    lines.push('  note: POSTs were dropped because too many were waiting: the bot is not keeping up');
  }
  if (s.lastError) lines.push(`  last error     ${s.lastError}`);
  const rejected = (s.statuses['401'] ?? 0) + (s.statuses['403'] ?? 0);
  if (rejected > 0 && rejected >= s.posts / 2) {
    lines.push("  hint: the bot refused the signatures: does --secret match the bot's FB_APP_SECRET?");
  }
  return lines.join('\n');
}

import type { Db } from '@botpulse/db';
import type { AccuracyReport, InstanceState } from '@botpulse/protocol';
import type { Logger } from '@botpulse/runtime';
import type { AnalyticsService } from '../analytics/analytics-service';
import { type CheckOptions, checkAccuracy } from './accuracy-check';

/** Runs the accuracy check every few minutes and keeps the last report (dashboard, /metrics, logs). */
export class AccuracyMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  last: AccuracyReport | null = null;
  driftsTotal = 0;
  checksTotal = 0;

  constructor(
    private readonly db: Db,
    private readonly analytics: AnalyticsService,
    private readonly instances: () => InstanceState[],
    private readonly log: Logger,
    private readonly onReport: (report: AccuracyReport) => void = () => {},
    private readonly options: CheckOptions = {},
  ) {}

  start(intervalMs: number, firstAfterMs = 30_000): void {
    const first = setTimeout(() => void this.run(), firstAfterMs);
    first.unref();
    this.timer = setInterval(() => void this.run(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<AccuracyReport | null> {
    if (this.running) return this.last;
    this.running = true;
    try {
      const report = await checkAccuracy(this.db, this.analytics, this.instances(), Date.now(), this.options);
      this.last = report;
      this.checksTotal++;
      this.driftsTotal += report.drifts.length;
      if (report.ok) {
        this.log.info(
          { ms: Math.round(report.duration_ms), checked: report.checked },
          'accuracy check: counts agree',
        );
      } else {
        this.log.warn(
          { ms: Math.round(report.duration_ms), drifts: report.drifts },
          'accuracy check found drift',
        );
      }
      this.onReport(report);
      return report;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'accuracy check failed to run');
      return null;
    } finally {
      this.running = false;
    }
  }
}

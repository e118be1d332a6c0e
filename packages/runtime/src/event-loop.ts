import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Event-loop delay p99 over a rolling ~10 s window (meta-monitoring of the process itself). */
export class EventLoopMonitor {
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 });
  private lastP99Ms = 0;
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.lastP99Ms = this.histogram.percentile(99) / 1e6;
      this.histogram.reset();
    }, 10_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  /** ms; before the first window closes, the live histogram */
  get p99Ms(): number {
    return this.lastP99Ms || (this.histogram.count > 0 ? this.histogram.percentile(99) / 1e6 : 0);
  }
}

import { Counter, Gauge, type Registry } from 'prom-client';

/** A gauge whose value is read at scrape time (prom-client computes values at collect time). */
export function readGauge(registry: Registry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/**
 * A counter whose value is read at scrape time from a number that only grows (Prometheus'
 * convention: whatever only grows is a counter, so `rate()` and `increase()` work on it). The
 * counter advances by the growth since the last scrape; a source that went back (it cannot in one
 * process) is ignored rather than breaking the counter.
 */
export function readCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  let seen = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      if (now > seen) {
        this.inc(now - seen);
        seen = now;
      }
    },
  });
}

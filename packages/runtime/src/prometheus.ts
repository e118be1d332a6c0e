import { Gauge, type Registry } from 'prom-client';

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

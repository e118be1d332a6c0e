import { useMetrics } from '../metrics/MetricsContext';

/** Loud on purpose: simulated users must never be mistaken for real ones. */
export function DemoBanner() {
  const { demo } = useMetrics();
  if (!demo) return null;
  return (
    <div className="demo-banner" role="note" data-testid="demo-banner">
      <strong>Demo mode</strong>
      <span>
        Messages come from simulated users, not Facebook. Set <code>FB_PAGE_ACCESS_TOKEN</code> (see
        docs/deploy.md) or start with <code>DEMO=0</code> to watch real traffic.
      </span>
    </div>
  );
}

import { CardErrorBoundary } from '../components/CardErrorBoundary';
import { useNow } from '../hooks/useNow';
import { useMetrics } from '../metrics/MetricsContext';
import { GeminiCard } from '../monitoring/GeminiCard';
import { HealthStatusCard } from '../monitoring/HealthStatusCard';
import { MetricsGrid } from '../monitoring/MetricsGrid';
import { RealTimeMessageFeed } from '../monitoring/RealTimeMessageFeed';
import { formatAgo } from '../transforms/format';
import '../styles/monitoring.css';
import '../styles/feed.css';

/** Plan 3.1.1: health, metrics grid, live feed. */
export function MonitoringPage() {
  const { lastUpdate } = useMetrics();
  const now = useNow(5_000);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Monitoring</h1>
          <p className="page-subtitle">Is the bot up, how busy is it, and what is it saying right now.</p>
        </div>
        <p className="page-meta" title={lastUpdate ?? undefined}>
          {lastUpdate ? `Updated ${formatAgo(lastUpdate, now)}` : 'Waiting for data…'}
        </p>
      </div>
      <CardErrorBoundary name="The health card" minHeight={150}>
        <HealthStatusCard />
      </CardErrorBoundary>
      <MetricsGrid />
      <CardErrorBoundary name="The Gemini card" minHeight={220}>
        <GeminiCard />
      </CardErrorBoundary>
      <CardErrorBoundary name="The live message feed" minHeight={640}>
        <RealTimeMessageFeed />
      </CardErrorBoundary>
    </div>
  );
}

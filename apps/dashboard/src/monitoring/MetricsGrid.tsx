import { CardErrorBoundary } from '../components/CardErrorBoundary';
import { ActiveUsersCard } from './ActiveUsersCard';
import { MessageVolumeCard } from './MessageVolumeCard';
import { ResponseTimeCard } from './ResponseTimeCard';

export function MetricsGrid() {
  return (
    <div className="metrics-grid">
      <div className="metrics-grid-main">
        <CardErrorBoundary name="The message volume card" minHeight={360}>
          <MessageVolumeCard />
        </CardErrorBoundary>
      </div>
      <div className="metrics-grid-side">
        <CardErrorBoundary name="The active users card" minHeight={170}>
          <ActiveUsersCard />
        </CardErrorBoundary>
        <CardErrorBoundary name="The response time card" minHeight={170}>
          <ResponseTimeCard />
        </CardErrorBoundary>
      </div>
    </div>
  );
}

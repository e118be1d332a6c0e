import { ChannelsCard } from '../alerts/ChannelsCard';
import { HistoryCard } from '../alerts/HistoryCard';
import { RulesCard } from '../alerts/RulesCard';
import { SilencesCard } from '../alerts/SilencesCard';
import { useAlerts } from '../api/alerts';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { useNow } from '../hooks/useNow';

/** `/alerts`: rules with their live state, channels, silences and the history. */
export default function AlertsPage() {
  const alerts = useAlerts();
  const now = useNow(10_000);
  return (
    <div className="page alerts-page" data-testid="alerts-page">
      <div className="page-header">
        <div>
          <h1>Alerts</h1>
          <p className="page-subtitle">The monitor tells you when the bot is down, silent, failing or slow</p>
        </div>
      </div>
      {alerts.isPending ? (
        <Skeleton height={320} label="Loading alerts" />
      ) : alerts.isError ? (
        <ErrorState
          title="Cannot load the alerts"
          error={alerts.error}
          onRetry={() => void alerts.refetch()}
        />
      ) : (
        <>
          <RulesCard rules={alerts.data.rules} now={now} />
          <ChannelsCard channels={alerts.data.channels} now={now} />
          <SilencesCard silences={alerts.data.silences} />
          <HistoryCard />
        </>
      )}
    </div>
  );
}

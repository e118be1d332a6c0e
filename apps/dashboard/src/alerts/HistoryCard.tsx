import { useAlertHistory } from '../api/alerts';
import { Card } from '../components/Card';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { durationText } from '../transforms/alerts';
import { formatDateTime } from '../transforms/format';
import { AlertStateBadge } from './AlertStateBadge';

/** Every state change, newest first (silenced ones included, marked). */
export function HistoryCard() {
  const history = useAlertHistory();
  return (
    <Card title="History" subtitle="The last 50 state changes">
      {history.isPending ? (
        <Skeleton height={120} label="Loading history" />
      ) : history.isError ? (
        <ErrorState
          title="Cannot load the history"
          error={history.error}
          onRetry={() => void history.refetch()}
        />
      ) : history.data.items.length === 0 ? (
        <p className="muted">Nothing has happened yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table alert-history" data-testid="alert-history">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Rule</th>
                <th scope="col">Change</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {history.data.items.map((h) => (
                <tr key={h.id}>
                  <td>{formatDateTime(h.at)}</td>
                  <td>{h.alertname}</td>
                  <td>
                    <AlertStateBadge state={h.state} />
                    {h.silenced ? <span className="cell-note">silenced</span> : null}
                  </td>
                  <td>
                    {h.state === 'resolved'
                      ? `Lasted ${durationText(h.duration_seconds)}`
                      : (h.summary ?? '')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

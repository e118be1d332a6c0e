import type { AlertSilenceView } from '@botpulse/protocol';
import { useAddSilence, useDeleteSilence } from '../api/alerts';
import { Card } from '../components/Card';
import { formatDateTime } from '../transforms/format';

/** Silences mute notifications (the state is still tracked and shown). */
export function SilencesCard({ silences }: { silences: AlertSilenceView[] }) {
  const add = useAddSilence();
  const remove = useDeleteSilence();
  return (
    <Card
      title="Silences"
      subtitle="Mute notifications during maintenance; states and history are still kept"
      actions={
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          disabled={add.isPending}
          onClick={() => add.mutate({ until: new Date(Date.now() + 3_600_000).toISOString() })}
        >
          Silence all 1 h
        </button>
      }
    >
      {silences.length === 0 ? (
        <p className="muted">No silence: every notification is sent.</p>
      ) : (
        <ul className="silences">
          {silences.map((s) => (
            <li key={s.id} className="silence">
              <span>
                {s.alertname ?? 'Every rule'} until {formatDateTime(s.until)}
              </span>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => remove.mutate(s.id)}>
                End
              </button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

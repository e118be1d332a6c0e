import type { ConversationItem } from '@botpulse/protocol';
import { formatDurationMs } from '../transforms/format';

/** Response-time colour: within 2 s feels instant in Messenger; beyond 5 s users notice. */
export function speedTone(ms: number): 'good' | 'warn' | 'bad' {
  if (ms < 2_000) return 'good';
  if (ms < 5_000) return 'warn';
  return 'bad';
}

export function StatusBadges({ item }: { item: ConversationItem }) {
  return (
    <>
      <span className={`pill pill-${speedTone(item.response_time)}`} title="Response time">
        {formatDurationMs(item.response_time)}
      </span>
      {item.status === 'failed' ? (
        <span className="pill pill-bad" title={item.error ?? undefined}>
          reply failed
        </span>
      ) : item.status === 'not_sent' ? (
        <span className="pill pill-neutral">not sent</span>
      ) : null}
      {item.text_deleted ? <span className="pill pill-neutral">text removed (retention)</span> : null}
    </>
  );
}

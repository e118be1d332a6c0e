import type { FeedMessage } from '@botpulse/protocol';
import { memo } from 'react';
import { Link } from 'react-router-dom';
import { transcriptPath } from '../conversations/links';
import { formatClock, formatDateTime, formatDurationMs } from '../transforms/format';

const STATUS_BADGE: Record<FeedMessage['status'], { text: string; tone: string } | null> = {
  replied: null,
  not_sent: { text: 'reply not sent (no page token)', tone: 'neutral' },
  failed: { text: 'reply failed', tone: 'bad' },
};

/** Response-time colour: a reply within 2 s feels instant in Messenger; beyond 5 s users notice. */
function speedTone(ms: number): 'good' | 'warn' | 'bad' {
  if (ms < 2_000) return 'good';
  if (ms < 5_000) return 'warn';
  return 'bad';
}

export const MessageItem = memo(function MessageItem({ message }: { message: FeedMessage }) {
  const badge = STATUS_BADGE[message.status];
  return (
    <article className="message-item" data-message-id={message.id}>
      <header className="message-head">
        <span className="message-who">
          <Link className="message-user" to={transcriptPath(message.user_id)}>
            {message.user_name ?? 'Unknown user'}
          </Link>
          <span className="message-user-id mono">{message.user_id}</span>
        </span>
        <Link
          className="message-time"
          to={transcriptPath(message.user_id, message.id)}
          title={`${formatDateTime(message.timestamp)} · open in the transcript`}
        >
          <time dateTime={message.timestamp}>{formatClock(message.timestamp)}</time>
        </Link>
      </header>
      <p className="message-text">
        {message.message_text || <em className="muted">({message.kind}, no text)</em>}
      </p>
      {message.reply_text ? (
        <p className="message-reply">
          <span className="message-reply-label">Bot</span>
          {message.reply_text}
        </p>
      ) : null}
      <footer className="message-meta">
        <span className={`pill pill-${speedTone(message.response_time)}`} title="Response time">
          {formatDurationMs(message.response_time)}
        </span>
        {badge ? <span className={`pill pill-${badge.tone}`}>{badge.text}</span> : null}
        {message.kind !== 'text' ? (
          <span className="pill pill-neutral">{message.kind.replace('_', ' ')}</span>
        ) : null}
        <span className="muted small mono">{message.instance_id}</span>
      </footer>
    </article>
  );
});

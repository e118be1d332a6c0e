import type { ConversationItem } from '@botpulse/protocol';
import { useEffect, useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ApiRequestError } from '../api/client';
import { useTranscript, useUserProfile } from '../api/conversations';
import { Card } from '../components/Card';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { explorerPath, transcriptPath } from '../conversations/links';
import { StatusBadges } from '../conversations/StatusBadges';
import { formatDateTime, formatDurationMs, formatNumber } from '../transforms/format';
import '../styles/conversations.css';

function Message({ item, userId, focused }: { item: ConversationItem; userId: string; focused: boolean }) {
  return (
    <li
      id={`m${item.id}`}
      className={`bubble-pair${focused ? ' bubble-focused' : ''}`}
      data-testid="transcript-message"
      data-id={item.id}
    >
      <div className="bubble bubble-user">
        <p className="bubble-text">
          {item.message_text ?? (
            <em className="muted">{item.text_deleted ? '(text removed)' : `(${item.kind}, no text)`}</em>
          )}
        </p>
        <div className="bubble-meta">
          <Link
            to={transcriptPath(userId, item.id)}
            className="bubble-time"
            title="Permalink to this message"
          >
            <time dateTime={item.timestamp}>{formatDateTime(item.timestamp)}</time>
          </Link>
          <StatusBadges item={item} />
        </div>
      </div>
      {item.reply_text ? (
        <div className="bubble bubble-bot">
          <p className="bubble-text">{item.reply_text}</p>
          {item.status === 'failed' && item.error ? <p className="bubble-error small">{item.error}</p> : null}
        </div>
      ) : item.status === 'failed' ? (
        <div className="bubble bubble-bot bubble-failed">
          <p className="bubble-text">No reply was delivered.</p>
          {item.error ? <p className="bubble-error small">{item.error}</p> : null}
        </div>
      ) : null}
    </li>
  );
}

/** `/users/:id`: one person's profile and their conversation as chat bubbles, paged both ways. */
export default function UserTranscriptPage() {
  const { id = '' } = useParams();
  const [search] = useSearchParams();
  const aroundRaw = search.get('around');
  const around = aroundRaw && /^\d+$/.test(aroundRaw) ? Number(aroundRaw) : null;
  const profile = useUserProfile(id);
  const transcript = useTranscript(id, around);
  const items = useMemo(() => transcript.data?.pages.flatMap((p) => p.items) ?? [], [transcript.data]);
  const gone = profile.error instanceof ApiRequestError && profile.error.status === 404;

  // Opened at one message (a permalink or a drill-down): bring it into view once it is there.
  const loaded = items.length > 0;
  useEffect(() => {
    if (around === null || !loaded) return;
    document.getElementById(`m${around}`)?.scrollIntoView({ block: 'center' });
  }, [around, loaded]);

  const p = profile.data;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{p ? (p.name ?? 'Unknown user') : 'Transcript'}</h1>
          <p className="page-subtitle mono">{id}</p>
        </div>
        <Link className="btn btn-secondary btn-sm" to={explorerPath({ user_id: id, from: undefined })}>
          Search this user's messages
        </Link>
      </div>
      {p ? (
        <dl className="profile-stats">
          <div>
            <dt>Messages</dt>
            <dd>{formatNumber(p.messages)}</dd>
          </div>
          <div>
            <dt>Failures</dt>
            <dd>{formatNumber(p.failures)}</dd>
          </div>
          <div>
            <dt>Avg response</dt>
            <dd>{formatDurationMs(p.avg_response_time_ms)}</dd>
          </div>
          <div>
            <dt>First seen</dt>
            <dd>{formatDateTime(p.first_seen)}</dd>
          </div>
          <div>
            <dt>Last seen</dt>
            <dd>{formatDateTime(p.last_seen)}</dd>
          </div>
        </dl>
      ) : null}
      <Card title="Conversation" subtitle="Oldest at the top; the bot's reply under each message">
        {gone ? (
          <EmptyState title="No such user">
            This person's data was deleted, or the id is wrong.{' '}
            <Link to="/conversations">Search conversations</Link>
          </EmptyState>
        ) : transcript.data ? (
          items.length ? (
            <div data-testid="transcript">
              {transcript.hasPreviousPage ? (
                <button
                  type="button"
                  className="btn btn-secondary btn-sm transcript-more"
                  onClick={() => void transcript.fetchPreviousPage()}
                  disabled={transcript.isFetchingPreviousPage}
                >
                  {transcript.isFetchingPreviousPage ? 'Loading…' : 'Load older messages'}
                </button>
              ) : null}
              <ol className="transcript">
                {items.map((item) => (
                  <Message key={item.id} item={item} userId={id} focused={item.id === around} />
                ))}
              </ol>
              {transcript.hasNextPage ? (
                <button
                  type="button"
                  className="btn btn-secondary btn-sm transcript-more"
                  onClick={() => void transcript.fetchNextPage()}
                  disabled={transcript.isFetchingNextPage}
                >
                  {transcript.isFetchingNextPage ? 'Loading…' : 'Load newer messages'}
                </button>
              ) : null}
            </div>
          ) : (
            <EmptyState title="No messages">This person has no stored messages.</EmptyState>
          )
        ) : transcript.isError ? (
          <ErrorState
            title="Cannot load the transcript"
            error={transcript.error}
            onRetry={() => void transcript.refetch()}
          />
        ) : (
          <Skeleton height={480} label="Loading transcript" />
        )}
      </Card>
    </div>
  );
}

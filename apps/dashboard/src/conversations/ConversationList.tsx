import type { ConversationItem } from '@botpulse/protocol';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../transforms/format';
import { Highlighted } from './Highlighted';
import { transcriptPath } from './links';
import { StatusBadges } from './StatusBadges';

const ESTIMATED_ROW = 112;

const Row = memo(function Row({ item, q }: { item: ConversationItem; q: string | undefined }) {
  return (
    <article className="conv-row" data-testid="conversation-row" data-id={item.id}>
      <header className="conv-head">
        <Link className="conv-user" to={transcriptPath(item.user_id)}>
          {item.user_name ?? 'Unknown user'}
        </Link>
        <span className="conv-user-id mono">{item.user_id}</span>
        <Link className="conv-time" to={transcriptPath(item.user_id, item.id)} title="Open in the transcript">
          <time dateTime={item.timestamp}>{formatDateTime(item.timestamp)}</time>
        </Link>
      </header>
      <p className="conv-text">
        {item.message_text ? (
          <Highlighted text={item.message_text} q={q} />
        ) : (
          <em className="muted">{item.text_deleted ? '(text removed)' : `(${item.kind}, no text)`}</em>
        )}
      </p>
      {item.reply_text ? (
        <p className="conv-reply">
          <span className="message-reply-label">Bot</span>
          <Highlighted text={item.reply_text} q={q} />
        </p>
      ) : null}
      <footer className="conv-meta">
        <StatusBadges item={item} />
        <span className="muted small mono">{item.instance_id}</span>
      </footer>
    </article>
  );
});

/**
 * The explorer's results: only the rows in view are in the DOM (5,000 results stay light), each
 * measured after render; the next page is fetched as the end comes into view.
 */
export function ConversationList({
  items,
  q,
  hasMore,
  loadingMore,
  onLoadMore,
}: {
  items: readonly ConversationItem[];
  q: string | undefined;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW,
    overscan: 6,
    getItemKey: (i) => items[i]!.id,
    initialRect: { width: 800, height: 640 },
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems.at(-1)?.index ?? -1;
  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= items.length - 10) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, items.length, onLoadMore]);

  return (
    <div ref={scrollRef} className="conv-viewport" data-testid="conversation-list" tabIndex={-1}>
      <div className="conv-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualItems.map((v) => (
          <div
            key={v.key}
            ref={virtualizer.measureElement}
            data-index={v.index}
            className="conv-slot"
            style={{ transform: `translateY(${v.start}px)` }}
          >
            <Row item={items[v.index]!} q={q} />
          </div>
        ))}
      </div>
      {loadingMore ? <p className="conv-more muted small">Loading more…</p> : null}
    </div>
  );
}

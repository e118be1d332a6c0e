import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useRef } from 'react';
import { Card } from '../components/Card';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { useMetrics } from '../metrics/MetricsContext';
import { FeedEmptyState } from './FeedEmptyState';
import { MessageItem } from './MessageItem';

export const FEED_HEIGHT = 560;

/**
 * The last 50 messages, newest first. Rows differ a lot in height (full message and reply text),
 * so they are measured after render instead of assumed; only the visible ones are in the DOM.
 */
export function RealTimeMessageFeed() {
  const { realtimeMessages, status, error, retry } = useMetrics();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: realtimeMessages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 128,
    overscan: 4,
    // Keyed by message id so a measured height follows its message when newer ones push it down.
    getItemKey: (index) => realtimeMessages[index]?.id ?? index,
    initialRect: { width: 800, height: FEED_HEIGHT },
  });

  let body: ReactNode;
  if (status === 'loading' && realtimeMessages.length === 0) {
    body = <Skeleton height={FEED_HEIGHT - 32} label="Loading messages" />;
  } else if (status === 'error' && realtimeMessages.length === 0) {
    body = <ErrorState title="Cannot load recent messages" error={error} onRetry={retry} />;
  } else if (realtimeMessages.length === 0) {
    body = <FeedEmptyState />;
  } else {
    body = (
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div
            key={item.key}
            data-index={item.index}
            ref={virtualizer.measureElement}
            className="feed-row"
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              right: 0,
              transform: `translateY(${item.start}px)`,
            }}
          >
            <MessageItem message={realtimeMessages[item.index]!} />
          </div>
        ))}
      </div>
    );
  }

  return (
    <Card
      title="Live messages"
      subtitle={`Last ${realtimeMessages.length || 50}, newest first`}
      className="feed-card"
    >
      <div
        ref={scrollRef}
        className="feed"
        style={{ height: FEED_HEIGHT }}
        data-testid="message-feed"
        aria-live="polite"
        aria-relevant="additions"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it
        tabIndex={0}
        role="feed"
        aria-busy={status === 'loading'}
      >
        {body}
      </div>
    </Card>
  );
}

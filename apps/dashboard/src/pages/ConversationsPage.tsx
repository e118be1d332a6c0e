import type { ConversationFilterParams, ConversationStatus } from '@botpulse/protocol';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useConversations } from '../api/conversations';
import { Card } from '../components/Card';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { ConversationList } from '../conversations/ConversationList';
import { describeCell, describeFilterRange } from '../conversations/describeFilter';
import { explorerPath } from '../conversations/links';
import { useConversationFilters } from '../conversations/useConversationFilters';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { PRESETS, presetRange } from '../transforms/dateRange';
import { formatNumber } from '../transforms/format';
import '../styles/conversations.css';

const STATUS_OPTIONS: Array<{ value: ConversationStatus | ''; label: string }> = [
  { value: '', label: 'Any status' },
  { value: 'failed', label: 'Failed' },
  { value: 'replied', label: 'Replied' },
  { value: 'not_sent', label: 'Not sent' },
];
const SLOW_OPTIONS = [0, 2_000, 5_000, 10_000];

function SearchBox({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const [text, setText] = useState(value);
  const settled = useDebouncedValue(text, 300);
  // Only a settled edit writes the URL; a URL change (back, a link) resets the box.
  const latest = useRef({ value, onChange });
  latest.current = { value, onChange };
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (settled !== latest.current.value) latest.current.onChange(settled);
  }, [settled]);
  return (
    <label className="conv-search">
      <span className="visually-hidden">Search messages and replies</span>
      <input
        type="search"
        className="input"
        placeholder="Search messages and replies…"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onChange(text);
        }}
        maxLength={200}
        data-testid="conversation-search"
      />
    </label>
  );
}

function Chip({ label, onClear }: { label: string; onClear: () => void }) {
  return (
    <span className="chip">
      {label}
      <button type="button" className="chip-clear" onClick={onClear} aria-label={`Remove filter ${label}`}>
        ×
      </button>
    </span>
  );
}

/** Every filter of the explorer; each change rewrites the URL, which is what the list reads. */
function Filters({
  filter,
  update,
}: {
  filter: ConversationFilterParams;
  update: ReturnType<typeof useConversationFilters>['update'];
}) {
  const preset = PRESETS.find((p) => {
    const r = presetRange(p.id);
    return r.from === filter.from && r.to === filter.to;
  });
  const cell = describeCell(filter);
  return (
    <div className="conv-filters">
      <SearchBox value={filter.q ?? ''} onChange={(q) => update({ q })} />
      <div className="conv-filter-row">
        <label className="inline-field small">
          Range
          <select
            className="input input-sm"
            value={!filter.from ? '7d' : (preset?.id ?? 'custom')}
            onChange={(e) => {
              const r = presetRange(e.target.value as (typeof PRESETS)[number]['id']);
              update({ from: r.from, to: r.to });
            }}
          >
            {PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            {filter.from && !preset ? <option value="custom">{describeFilterRange(filter)}</option> : null}
          </select>
        </label>
        <label className="inline-field small">
          Status
          <select
            className="input input-sm"
            value={filter.status ?? ''}
            onChange={(e) => update({ status: e.target.value })}
          >
            {STATUS_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field small">
          Response time
          <select
            className="input input-sm"
            value={filter.min_response_ms ?? 0}
            onChange={(e) => update({ min_response_ms: Number(e.target.value) || undefined })}
          >
            {[...new Set([...SLOW_OPTIONS, filter.min_response_ms ?? 0])].map((ms) => (
              <option key={ms} value={ms}>
                {ms === 0 ? 'Any' : `≥ ${formatNumber(ms / 1000)} s`}
              </option>
            ))}
          </select>
        </label>
      </div>
      {filter.user_id || cell ? (
        <div className="conv-chips">
          {filter.user_id ? (
            <Chip label={`User ${filter.user_id}`} onClear={() => update({ user_id: undefined })} />
          ) : null}
          {cell ? <Chip label={cell} onClear={() => update({ dow: undefined, hour: undefined })} /> : null}
        </div>
      ) : null}
    </div>
  );
}

/** DESIGN.md "Conversation explorer": search and drill-down results, every filter in the URL. */
export default function ConversationsPage() {
  const { filter, update } = useConversationFilters();
  const results = useConversations(filter);
  const items = useMemo(() => results.data?.pages.flatMap((p) => p.items) ?? [], [results.data]);
  const exportQuery = explorerPath(filter).replace(/^\/conversations\??/, '');
  const more = results.hasNextPage;

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Conversations</h1>
          <p className="page-subtitle">
            Read the messages behind any number: search, filter, open a transcript.
          </p>
        </div>
        <div className="export conv-export" data-testid="export">
          <span className="small muted">Export these</span>
          <a
            className="btn btn-secondary btn-sm"
            href={`/api/monitoring/export?type=messages&format=csv&${exportQuery}`}
            download
          >
            CSV
          </a>
          <a
            className="btn btn-secondary btn-sm"
            href={`/api/monitoring/export?type=messages&format=json&${exportQuery}`}
            download
          >
            JSON
          </a>
        </div>
      </div>
      <Card
        title="Messages"
        subtitle={
          <>
            {describeFilterRange(filter)} · newest first
            {results.data ? (
              <span
                data-testid="conversation-count"
                data-count={items.length}
                data-complete={more ? 'false' : 'true'}
              >
                {` · ${formatNumber(items.length)}${more ? '+' : ''} found`}
              </span>
            ) : null}
          </>
        }
        className="conv-card"
      >
        <Filters filter={filter} update={update} />
        {results.data ? (
          items.length ? (
            <ConversationList
              items={items}
              q={filter.q}
              hasMore={Boolean(more)}
              loadingMore={results.isFetchingNextPage}
              onLoadMore={() => void results.fetchNextPage()}
            />
          ) : (
            <EmptyState title="No conversations match">
              Try other words, a longer range, or remove a filter.
            </EmptyState>
          )
        ) : results.isError ? (
          <ErrorState
            title="Cannot load the conversations"
            error={results.error}
            onRetry={() => void results.refetch()}
          />
        ) : (
          <Skeleton height={480} label="Loading conversations" />
        )}
      </Card>
    </div>
  );
}

import {
  type CONVERSATION_FILTER_KEYS,
  CONVERSATION_STATUSES,
  type ConversationFilterParams,
  type ConversationStatus,
} from '@botpulse/protocol';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { browserTimeZone } from '../api/range';

const wholeNumber = (v: string | null, max: number) =>
  v !== null && /^\d+$/.test(v) && Number(v) <= max ? Number(v) : undefined;

/** The filter in the page's URL (every filter is a query parameter, so a link can be shared). */
export function filterFromSearch(search: URLSearchParams, tz = browserTimeZone()): ConversationFilterParams {
  const text = (k: string) => search.get(k)?.trim() || undefined;
  const status = text('status');
  const min = text('min_response_ms');
  return {
    from: text('from'),
    to: text('to'),
    tz: text('tz') ?? tz,
    q: text('q'),
    user_id: text('user_id'),
    status: CONVERSATION_STATUSES.includes(status as ConversationStatus)
      ? (status as ConversationStatus)
      : undefined,
    min_response_ms: min !== undefined && Number.isFinite(Number(min)) ? Number(min) : undefined,
    dow: wholeNumber(search.get('dow'), 6),
    hour: wholeNumber(search.get('hour'), 23),
  };
}

export function useConversationFilters() {
  const [search, setSearch] = useSearchParams();
  const filter = useMemo(() => filterFromSearch(search), [search]);
  const update = useCallback(
    (changes: Partial<Record<(typeof CONVERSATION_FILTER_KEYS)[number], string | number | undefined>>) => {
      setSearch(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [key, value] of Object.entries(changes)) {
            if (value === undefined || value === '') next.delete(key);
            else next.set(key, String(value));
          }
          // A cell's hour means nothing without its day.
          if (!next.has('dow')) next.delete('hour');
          return next;
        },
        { replace: true },
      );
    },
    [setSearch],
  );
  return { filter, update };
}

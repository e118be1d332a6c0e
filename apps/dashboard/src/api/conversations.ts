import {
  type ConversationFilterParams,
  type ConversationsResponse,
  conversationFilterQuery,
  type TranscriptResponse,
  type UserProfileResponse,
} from '@botpulse/protocol';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiFetch } from './client';
import { queryKeys } from './queryKeys';

export const EXPLORER_PAGE_SIZE = 200;
const TRANSCRIPT_PAGE_SIZE = 50;

export function fetchConversations(
  filter: ConversationFilterParams,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<ConversationsResponse> {
  const q = new URLSearchParams(conversationFilterQuery(filter));
  q.set('limit', String(EXPLORER_PAGE_SIZE));
  if (cursor) q.set('cursor', cursor);
  return apiFetch<ConversationsResponse>(`/api/conversations?${q}`, { signal });
}

/** The explorer's rows, page after page as the list is scrolled (keyset cursor, newest first). */
export function useConversations(filter: ConversationFilterParams) {
  return useInfiniteQuery({
    queryKey: queryKeys.conversations(filter),
    queryFn: ({ pageParam, signal }) => fetchConversations(filter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    staleTime: 30_000,
  });
}

export function useUserProfile(userId: string) {
  return useQuery({
    queryKey: queryKeys.userProfile(userId),
    queryFn: ({ signal }) =>
      apiFetch<UserProfileResponse>(`/api/users/${encodeURIComponent(userId)}`, { signal }),
    staleTime: 30_000,
  });
}

type TranscriptPage = { kind: 'start'; around: number | null } | { kind: 'before' | 'after'; cursor: string };

/**
 * A person's transcript, oldest first: the newest page (or the page around one message), then
 * older pages above (`fetchPreviousPage`) and newer ones below (`fetchNextPage`).
 */
export function useTranscript(userId: string, around: number | null) {
  return useInfiniteQuery({
    queryKey: queryKeys.transcript(userId, around),
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams({ limit: String(TRANSCRIPT_PAGE_SIZE) });
      if (pageParam.kind === 'start' && pageParam.around !== null) q.set('around', String(pageParam.around));
      if (pageParam.kind !== 'start') q.set(pageParam.kind, pageParam.cursor);
      return apiFetch<TranscriptResponse>(`/api/users/${encodeURIComponent(userId)}/conversations?${q}`, {
        signal,
      });
    },
    initialPageParam: { kind: 'start', around } as TranscriptPage,
    getNextPageParam: (last): TranscriptPage | null =>
      last.after ? { kind: 'after', cursor: last.after } : null,
    getPreviousPageParam: (first): TranscriptPage | null =>
      first.before ? { kind: 'before', cursor: first.before } : null,
    staleTime: 30_000,
  });
}

import {
  type ConversationRow,
  type Db,
  getUserProfile,
  getUserTranscript,
  searchConversations,
  type TranscriptPosition,
} from '@botpulse/db';
import type {
  ConversationItem,
  ConversationsResponse,
  TranscriptResponse,
  UserProfileResponse,
} from '@botpulse/protocol';
import { ParamError } from '../analytics/params';
import {
  decodeCursor,
  encodeCursor,
  parseConversationFilter,
  parseLimit,
  parseUserId,
} from './filter-params';

type Query = Record<string, unknown>;

const item = ({ ts_us: _, ...row }: ConversationRow): ConversationItem => row;

/** The conversation explorer (DESIGN.md "Conversation explorer"): search, a person's profile and transcript. */
export class ConversationsService {
  constructor(private readonly db: Db) {}

  async search(q: Query): Promise<ConversationsResponse> {
    const { filter } = parseConversationFilter(q);
    const limit = parseLimit(q, 50, 200);
    const after = decodeCursor(q, 'cursor') ?? null;
    const rows = await searchConversations(this.db, filter, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(item),
      next_cursor: rows.length > limit && last ? encodeCursor({ tsUs: last.ts_us, id: last.id }) : null,
    };
  }

  async profile(id: string): Promise<UserProfileResponse | null> {
    return getUserProfile(this.db, parseUserId(id, 'id'));
  }

  /** null: no such person (or `around` names no message of theirs). */
  async transcript(id: string, q: Query): Promise<TranscriptResponse | null> {
    const userId = parseUserId(id, 'id');
    const limit = parseLimit(q, 50, 200);
    const before = decodeCursor(q, 'before');
    const after = decodeCursor(q, 'after');
    const aroundRaw = q.around;
    const given = [before && 'before', after && 'after', aroundRaw !== undefined && 'around'].filter(Boolean);
    if (given.length > 1) throw new ParamError(String(given[1]), `give only one of before, after, around`);
    let position: TranscriptPosition = { kind: 'newest' };
    if (before) position = { kind: 'before', key: before };
    else if (after) position = { kind: 'after', key: after };
    else if (aroundRaw !== undefined) {
      const n =
        typeof aroundRaw === 'string' && /^\d{1,15}$/.test(aroundRaw) ? Number(aroundRaw) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < 1) throw new ParamError('around', 'around must be a message id');
      position = { kind: 'around', id: n };
    }
    if (!(await getUserProfile(this.db, userId))) return null;
    const page = await getUserTranscript(this.db, userId, position, limit);
    if (!page) return null;
    const first = page.rows[0];
    const last = page.rows.at(-1);
    return {
      user_id: userId,
      items: page.rows.map(item),
      before: page.hasOlder && first ? encodeCursor({ tsUs: first.ts_us, id: first.id }) : null,
      after: page.hasNewer && last ? encodeCursor({ tsUs: last.ts_us, id: last.id }) : null,
    };
  }
}

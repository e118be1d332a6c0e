import { type Db, getUserProfiles, type StoredProfile } from '@botpulse/db';
import type { GraphApiClient, UserProfile } from '../clients/graph-api';
import { withRetry } from '../clients/retry';
import { BatchWriter } from './batch-writer';

const CACHE_MAX = 10_000;
const REFRESH_AFTER_MS = 7 * 24 * 3600_000;

export interface ProfileLookup {
  name: string | null;
  /** set when the profile was fetched from the User Profile API just now (to be stored) */
  fetched: UserProfile | null;
}

function fullName(p: { first_name: string | null; last_name: string | null }): string | null {
  return [p.first_name, p.last_name].filter(Boolean).join(' ') || null;
}

/**
 * User names for the feed: a bounded in-memory cache, then the users table (looked up in batches),
 * then the User Profile API when a page token is set and the stored profile is missing or old.
 */
export class ProfileService {
  private readonly cache = new Map<string, string | null>();
  private readonly loader: BatchWriter<string, StoredProfile | undefined>;

  constructor(
    db: Db,
    private readonly graph: GraphApiClient | undefined,
    private readonly onFailure: (err: unknown) => void,
    private readonly onSuccess: () => void,
  ) {
    this.loader = new BatchWriter(
      async (ids) => {
        const rows = await getUserProfiles(db, [...new Set(ids)]);
        const byId = new Map(rows.map((r) => [r.facebook_id, r]));
        return ids.map((id) => byId.get(id));
      },
      500,
      2,
    );
  }

  async lookup(psid: string): Promise<ProfileLookup> {
    if (this.cache.has(psid)) {
      const name = this.cache.get(psid)!;
      this.cache.delete(psid);
      this.cache.set(psid, name);
      return { name, fetched: null };
    }
    const stored = await this.loader.write(psid).catch(() => undefined);
    const fresh =
      stored?.profile_fetched_at && Date.now() - stored.profile_fetched_at.getTime() < REFRESH_AFTER_MS;
    if (stored && (fresh || !this.graph)) return this.remember(psid, fullName(stored), null);
    if (!this.graph) return { name: null, fetched: null };
    try {
      const profile = await withRetry({ attempts: 2, baseDelayMs: 200, maxDelayMs: 1000 }, () =>
        this.graph!.getProfile(psid),
      );
      this.onSuccess();
      return this.remember(psid, fullName(profile), profile);
    } catch (err) {
      this.onFailure(err);
      return { name: stored ? fullName(stored) : null, fetched: null };
    }
  }

  /** The admin deleted this user: forget the cached name. */
  forget(psid: string) {
    this.cache.delete(psid);
  }

  private remember(psid: string, name: string | null, fetched: UserProfile | null): ProfileLookup {
    this.cache.set(psid, name);
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    return { name, fetched };
  }
}

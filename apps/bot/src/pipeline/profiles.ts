import type { JobContext } from '@botpulse/db';
import { feedUserName } from '@botpulse/protocol';
import type { GraphApiClient, UserProfile } from '../clients/graph-api';
import { withRetry } from '../clients/retry';

const REFRESH_AFTER_MS = 7 * 24 * 3600_000;

export interface ProfileLookup {
  name: string | null;
  /** set when the profile was fetched from the User Profile API just now (to be stored) */
  fetched: UserProfile | null;
}

function fullName(p: { first_name: string | null; last_name: string | null }): string | null {
  return feedUserName(p.first_name, p.last_name);
}

/**
 * User names for the feed: the stored profile (read with the job's context), else the User Profile
 * API when a page token is set and the stored profile is missing or older than a week.
 */
export class ProfileService {
  constructor(
    private readonly graph: GraphApiClient | undefined,
    private readonly onFailure: (err: unknown) => void,
    private readonly onSuccess: () => void,
  ) {}

  async lookup(psid: string, stored: JobContext | undefined): Promise<ProfileLookup> {
    const known = stored?.known ? stored : undefined;
    const fresh =
      known?.profile_fetched_at && Date.now() - known.profile_fetched_at.getTime() < REFRESH_AFTER_MS;
    if (known && (fresh || !this.graph)) return { name: fullName(known), fetched: null };
    if (!this.graph) return { name: null, fetched: null };
    try {
      const profile = await withRetry({ attempts: 2, baseDelayMs: 200, maxDelayMs: 1000 }, () =>
        this.graph!.getProfile(psid),
      );
      this.onSuccess();
      return { name: fullName(profile), fetched: profile };
    } catch (err) {
      this.onFailure(err);
      return { name: known ? fullName(known) : null, fetched: null };
    }
  }
}

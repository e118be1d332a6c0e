import { hotStatement, type Queryable } from '../../pool';

export interface JobContext {
  /** the user's stored profile, if the user is known */
  first_name: string | null;
  last_name: string | null;
  profile_fetched_at: Date | null;
  known: boolean;
  /** this mid already has a conversation row: a late duplicate, not to be answered again */
  answered: boolean;
}

/**
 * Everything the reply pipeline needs from the database before answering a batch of events, in one
 * round trip: the senders' stored profiles and whether each mid was already answered.
 *
 * Each item is looked up by key (LATERAL … LIMIT 1, both keys unique): a plain LEFT JOIN let the
 * planner hash all of users and conversations for every batch while their statistics were missing
 * or small (a new install, the bench), a cost that grew with the tables.
 */
export async function getJobContext(
  db: Queryable,
  items: Array<{ psid: string; mid: string }>,
): Promise<JobContext[]> {
  const { rows } = await db.query<JobContext & { n: number }>(
    hotStatement(`SELECT x.n::int AS n, u.first_name, u.last_name, u.profile_fetched_at,
            (u.facebook_id IS NOT NULL) AS known, (a.answered IS NOT NULL) AS answered
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(psid, mid, n)
       LEFT JOIN LATERAL (SELECT facebook_id, first_name, last_name, profile_fetched_at
                            FROM users WHERE facebook_id = x.psid LIMIT 1) u ON true
       LEFT JOIN LATERAL (SELECT true AS answered FROM conversations c WHERE c.mid = x.mid LIMIT 1) a ON true
      ORDER BY x.n`),
    [items.map((i) => i.psid), items.map((i) => i.mid)],
  );
  return rows.map(({ n: _n, ...ctx }) => ctx);
}

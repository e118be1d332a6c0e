import type { Queryable } from '../../pool';

export interface AddedUsers {
  /** the rollup version in this snapshot */
  version: number;
  /** users with a row in [counted, to) and none in [start, counted) */
  added: number;
  /** a row in [start, counted) is still queued for the rollups (it may be newer than a count taken before) */
  queued: boolean;
  /** `counted` lies far enough in the past (database clock) that a row stored there later bumps the version when folded */
  settled: boolean;
}

/**
 * How many users a range [start, counted) gains when its end moves on to `to`, in one snapshot
 * with what tells whether [start, counted) itself can have changed since it was counted: the
 * rollup version (bumped by folds of rows older than 20 hours, among others, by deletes and by
 * backfills) and any still-queued row in it. Each user of [counted, to) is looked up once in the
 * (facebook_id, timestamp) index for an earlier row of the range.
 */
export async function getAddedUsers(
  db: Queryable,
  start: Date,
  counted: Date,
  to: Date,
): Promise<AddedUsers> {
  const { rows } = await db.query<AddedUsers>(
    `SELECT (SELECT version FROM rollup_version) AS version,
            (SELECT count(*) FROM (SELECT DISTINCT facebook_id FROM conversations
                                    WHERE "timestamp" >= $2 AND "timestamp" < $3) d
              WHERE NOT EXISTS (SELECT 1 FROM conversations e
                                 WHERE e.facebook_id = d.facebook_id AND e."timestamp" >= $1 AND e."timestamp" < $2)) AS added,
            EXISTS (SELECT 1 FROM rollup_queue q WHERE q.ts >= $1 AND q.ts < $2) AS queued,
            $2::timestamptz < now() - interval '21 hours' AS settled`,
    [start, counted, to],
  );
  const r = rows[0]!;
  return { version: Number(r.version), added: Number(r.added), queued: r.queued, settled: r.settled };
}

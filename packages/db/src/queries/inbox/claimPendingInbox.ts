import type { Queryable } from '../../pool';

export interface ClaimedInboxEvent {
  id: number;
  dedup_key: string;
  sender_id: string;
  event_ts: Date;
  event: Record<string, unknown>;
  received_at: Date;
  /** failures of this event itself so far */
  attempts: number;
}

/**
 * Claims unprocessed inbox events for this instance: unclaimed ones, ones whose claim (lease) has
 * expired, and this instance's own claims older than `ownGraceSeconds` (0 at start-up: a previous
 * run of this instance claimed them and stopped). A claim is not an attempt: `attempts` counts only
 * failures of the event itself (recordInboxFailure), so restarts and database blips use none up.
 */
export async function claimPendingInbox(
  db: Queryable,
  options: {
    instanceId: string;
    leaseSeconds: number;
    limit: number;
    ownGraceSeconds: number;
    excludeIds: number[];
  },
): Promise<ClaimedInboxEvent[]> {
  const { rows } = await db.query<ClaimedInboxEvent>(
    `UPDATE inbox SET claimed_by = $1, claimed_at = now()
      WHERE id IN (
        SELECT id FROM inbox
         WHERE processed_at IS NULL
           AND (claimed_by IS NULL
                OR claimed_at < now() - make_interval(secs => $2)
                OR (claimed_by = $1 AND claimed_at <= now() - make_interval(secs => $4)))
           AND NOT (id = ANY ($5::bigint[]))
         ORDER BY id
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING id, dedup_key, sender_id, event_ts, event, received_at, attempts`,
    [options.instanceId, options.leaseSeconds, options.limit, options.ownGraceSeconds, options.excludeIds],
  );
  return rows;
}

import type { CollectorSeed } from '@botpulse/metrics';
import { type Db, withTransaction } from '../../pool';
import { getCollectorSeed } from './getCollectorSeed';

/**
 * The collector seed from one snapshot, with the newest conversation id it contains. Ids are handed
 * out under the feed lock in commit order, so a message recorded live with a larger id was not in
 * the snapshot: a recount under traffic replays exactly those.
 */
export async function getCollectorSnapshot(
  db: Db,
  instanceId: string,
  nowMs: number,
): Promise<{ seed: Required<CollectorSeed>; maxId: number }> {
  return withTransaction(db, async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await tx.query<{ max_id: number }>(
      'SELECT coalesce(max(id), 0) AS max_id FROM conversations',
    );
    const seed = await getCollectorSeed(tx, instanceId, nowMs);
    return { seed, maxId: rows[0]!.max_id };
  });
}

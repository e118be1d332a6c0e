import type { HeatmapCell } from '@botpulse/protocol';
import type { Queryable } from '../../pool';
import { localDow, localHour } from '../conversations/conversationFilter';
import type { Interval } from './types';

/**
 * Messages by local day of week (0 = Monday) and hour in `tz` over an interval; a cell is the
 * explorer's `dow`/`hour` filter (same expressions), so a cell's count is the rows it opens.
 */
export async function getHeatmapCounts(db: Queryable, tz: string, range: Interval): Promise<HeatmapCell[]> {
  const { rows } = await db.query<HeatmapCell>(
    `WITH b AS (
       SELECT $2::timestamptz AS s, $3::timestamptz AS e,
              date_bin('15 minutes', $3::timestamptz, TIMESTAMPTZ '2001-01-01 00:00:00+00') AS z,
              date_bin('15 minutes', $2::timestamptz, TIMESTAMPTZ '2001-01-01 00:00:00+00') AS fs
     ),
     bb AS (SELECT s, e, z, CASE WHEN fs < s THEN fs + interval '15 minutes' ELSE fs END AS a FROM b),
     r AS (
       SELECT sc.slot AS t, sc.messages FROM bb, slot_counts(bb.a, bb.z) sc WHERE bb.a < bb.z
       UNION ALL
       SELECT c."timestamp", 1 FROM bb, conversations c
        WHERE c."timestamp" >= bb.s AND c."timestamp" < least(bb.a, bb.e)
       UNION ALL
       SELECT c."timestamp", 1 FROM bb, conversations c
        WHERE c."timestamp" >= greatest(bb.z, bb.a) AND c."timestamp" < bb.e
     )
     SELECT ${localDow('t', '$1::text')} AS dow, ${localHour('t', '$1::text')} AS hour,
            sum(messages) AS messages
       FROM r GROUP BY 1, 2`,
    [tz, range.start, range.end],
  );
  return rows;
}

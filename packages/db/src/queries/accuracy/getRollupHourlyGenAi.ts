import type { Queryable } from '../../pool';
import type { HourlyGenAi } from './getRawTruth';

/**
 * The same figures as the analytics read them: the folded slot-and-model rollup plus the rows still
 * queued (gen_ai_slot_counts), per UTC hour. Read in the raw rows' snapshot, they must be equal.
 */
export async function getRollupHourlyGenAi(db: Queryable, from: Date, to: Date): Promise<HourlyGenAi[]> {
  const { rows } = await db.query<HourlyGenAi>(
    `SELECT to_char(date_trunc('hour', slot AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"') AS hour,
            sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
            sum(reasoning_tokens) AS reasoning_tokens, sum(cost_usd) AS cost_usd
       FROM gen_ai_slot_counts($1, $2)
      GROUP BY 1 ORDER BY 1`,
    [from, to],
  );
  return rows;
}

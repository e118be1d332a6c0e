import type { Queryable } from '../../pool';

export interface HourlyGenAi {
  /** ISO start of the UTC hour */
  hour: string;
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
}

/** Gemini tokens and cost per UTC hour in [from, to) straight from the raw rows (the truth). */
export async function getRawHourlyGenAi(db: Queryable, from: Date, to: Date): Promise<HourlyGenAi[]> {
  const { rows } = await db.query<HourlyGenAi>(
    `SELECT to_char(date_trunc('hour', "timestamp" AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"') AS hour,
            coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
            coalesce(sum(reasoning_tokens), 0) AS reasoning_tokens, coalesce(sum(cost_usd), 0) AS cost_usd
       FROM conversations
      WHERE "timestamp" >= $1 AND "timestamp" < $2 AND model IS NOT NULL
      GROUP BY 1 ORDER BY 1`,
    [from, to],
  );
  return rows;
}

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

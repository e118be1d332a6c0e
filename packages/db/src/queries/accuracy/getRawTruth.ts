import type { Queryable } from '../../pool';

export interface HourlyCount {
  /** ISO start of the UTC hour */
  hour: string;
  messages: number;
  users: number;
}

export interface HourlyGenAi {
  /** ISO start of the UTC hour */
  hour: string;
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
}

/** The truth for the accuracy check, straight from the raw conversation rows in [from, to). */
export interface RawTruth {
  /** messages and distinct users per UTC hour, every bot instance together */
  hourly: HourlyCount[];
  /** the same per bot instance */
  instances: Array<HourlyCount & { instance_id: string }>;
  /** Gemini tokens and cost per UTC hour (rows that name a model) */
  genAi: HourlyGenAi[];
  /** distinct users per UTC day */
  days: Array<{ day: string; users: number }>;
}

interface Row {
  set: 'hour' | 'instance' | 'day';
  hour: string | null;
  day: string | null;
  instance_id: string | null;
  messages: number;
  users: number;
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
}

/**
 * Every raw figure the accuracy check compares, in one pass over the range (index range on
 * timestamp): the rows are read once, then grouped by hour, by hour and instance, and by day.
 */
export async function getRawTruth(db: Queryable, from: Date, to: Date): Promise<RawTruth> {
  const { rows } = await db.query<Row>(
    `SELECT CASE GROUPING(h, instance_id, d) WHEN 3 THEN 'hour' WHEN 1 THEN 'instance' ELSE 'day' END AS set,
            to_char(h, 'YYYY-MM-DD"T"HH24:00:00"Z"') AS hour, to_char(d, 'YYYY-MM-DD') AS day, instance_id,
            count(*) AS messages, count(DISTINCT facebook_id) AS users,
            coalesce(sum(input_tokens) FILTER (WHERE model IS NOT NULL), 0) AS input_tokens,
            coalesce(sum(output_tokens) FILTER (WHERE model IS NOT NULL), 0) AS output_tokens,
            coalesce(sum(reasoning_tokens) FILTER (WHERE model IS NOT NULL), 0) AS reasoning_tokens,
            coalesce(sum(cost_usd) FILTER (WHERE model IS NOT NULL), 0) AS cost_usd
       FROM (SELECT date_trunc('hour', "timestamp" AT TIME ZONE 'UTC') AS h,
                    ("timestamp" AT TIME ZONE 'UTC')::date AS d,
                    instance_id, facebook_id, model, input_tokens, output_tokens, reasoning_tokens, cost_usd
               FROM conversations
              WHERE "timestamp" >= $1 AND "timestamp" < $2) c
      GROUP BY GROUPING SETS ((h), (h, instance_id), (d))
      ORDER BY 1, 2, 3, 4`,
    [from, to],
  );
  const truth: RawTruth = { hourly: [], instances: [], genAi: [], days: [] };
  for (const r of rows) {
    if (r.set === 'day') truth.days.push({ day: r.day as string, users: r.users });
    else if (r.set === 'instance')
      truth.instances.push({
        hour: r.hour as string,
        instance_id: r.instance_id as string,
        messages: r.messages,
        users: r.users,
      });
    else {
      const hour = r.hour as string;
      truth.hourly.push({ hour, messages: r.messages, users: r.users });
      truth.genAi.push({
        hour,
        input_tokens: r.input_tokens,
        output_tokens: r.output_tokens,
        reasoning_tokens: r.reasoning_tokens,
        cost_usd: r.cost_usd,
      });
    }
  }
  return truth;
}

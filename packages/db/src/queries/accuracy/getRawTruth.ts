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

interface HourRow {
  instance_id: string | null;
  hour: string;
  messages: number;
  users: number;
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Per UTC hour in [from, to): messages, distinct users and Gemini usage, all bots and per bot. */
async function readHours(db: Queryable, from: Date, to: Date, truth: RawTruth): Promise<void> {
  const { rows } = await db.query<HourRow>(
    `SELECT to_char(h, 'YYYY-MM-DD"T"HH24:00:00"Z"') AS hour, instance_id,
            count(*) AS messages, count(DISTINCT facebook_id) AS users,
            coalesce(sum(input_tokens) FILTER (WHERE model IS NOT NULL), 0) AS input_tokens,
            coalesce(sum(output_tokens) FILTER (WHERE model IS NOT NULL), 0) AS output_tokens,
            coalesce(sum(reasoning_tokens) FILTER (WHERE model IS NOT NULL), 0) AS reasoning_tokens,
            coalesce(sum(cost_usd) FILTER (WHERE model IS NOT NULL), 0) AS cost_usd
       FROM (SELECT date_trunc('hour', "timestamp" AT TIME ZONE 'UTC') AS h,
                    instance_id, facebook_id, model, input_tokens, output_tokens, reasoning_tokens, cost_usd
               FROM conversations
              WHERE "timestamp" >= $1 AND "timestamp" < $2) c
      GROUP BY GROUPING SETS ((h), (h, instance_id))
      ORDER BY 1, 2 NULLS FIRST`,
    [from, to],
  );
  for (const r of rows) {
    if (r.instance_id !== null) {
      truth.instances.push({
        hour: r.hour,
        instance_id: r.instance_id,
        messages: r.messages,
        users: r.users,
      });
      continue;
    }
    truth.hourly.push({ hour: r.hour, messages: r.messages, users: r.users });
    const { input_tokens, output_tokens, reasoning_tokens, cost_usd } = r;
    truth.genAi.push({ hour: r.hour, input_tokens, output_tokens, reasoning_tokens, cost_usd });
  }
}

/** Distinct users of the UTC day that starts at `day`. */
async function readDayUsers(db: Queryable, day: Date): Promise<number> {
  const { rows } = await db.query<{ users: number }>(
    `SELECT count(*) AS users
       FROM (SELECT DISTINCT facebook_id FROM conversations
              WHERE "timestamp" >= $1 AND "timestamp" < $1::timestamptz + interval '1 day') u`,
    [day],
  );
  return rows[0]!.users;
}

/**
 * Every raw figure the accuracy check compares, for whole UTC days [from, to), read piece by
 * piece: each past hour alone, the rest of the range after the current hour at once, then each
 * day's distinct users (which do not add up from hours). `pause` runs between pieces, so a caller
 * on a busy database can spread the reads out; inside one REPEATABLE READ transaction the pieces
 * all see the same rows.
 */
export async function getRawTruth(
  db: Queryable,
  from: Date,
  to: Date,
  pause: () => Promise<void> = async () => {},
): Promise<RawTruth> {
  const truth: RawTruth = { hourly: [], instances: [], genAi: [], days: [] };
  // rows stamped after the current hour are rare (kept from before event times were clamped): one piece
  const hoursEnd = Math.min(to.getTime(), Math.ceil((Date.now() + 1) / HOUR) * HOUR);
  for (let t = from.getTime(); t < to.getTime(); ) {
    const end = t < hoursEnd ? t + HOUR : to.getTime();
    await readHours(db, new Date(t), new Date(end), truth);
    await pause();
    t = end;
  }
  for (let t = from.getTime(); t < to.getTime(); t += DAY) {
    truth.days.push({
      day: new Date(t).toISOString().slice(0, 10),
      users: await readDayUsers(db, new Date(t)),
    });
    await pause();
  }
  return truth;
}

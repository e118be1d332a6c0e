import { createPool } from '@botpulse/db';
import type { ConversationsResponse, TranscriptResponse } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { DateTime } from 'luxon';
import { generateHistory } from '../../tools/src/history/generate';
import type { Results } from '../lib/report';
import { endProgress, progress } from '../lib/report';
import { p } from '../lib/stats';

const TZ = 'America/New_York';

/**
 * The conversation explorer (issue #17) over 10M stored messages (--quick: 50k), through HTTP
 * against the real admin: the first page of a word in ~1 % of rows over 90 days, a rare word, page
 * 50, a person's transcript, status=failed over 90 days, and the search index against the table.
 * The words are picked from the generated texts themselves (a sample of rows).
 */
export async function benchExplorer(databaseUrl: string, quick: boolean): Promise<Results> {
  const total = quick ? 50_000 : 10_000_000;
  const days = quick ? 120 : 365;
  const db = createPool(databaseUrl, { max: 4 });
  let common = '';
  let rare = '';
  let users: string[] = [];
  let indexMb = 0;
  let tableMb = 0;
  try {
    await generateHistory(
      db,
      {
        days,
        perDay: Math.ceil(total / days),
        users: 100_000,
        seed: 'bench-explorer',
        tz: TZ,
        endMs: Date.now() - 60_000,
        batchSize: 20_000,
        instanceId: 'history',
      },
      (pr) =>
        progress(
          `explorer: generating ${pr.inserted.toLocaleString('en')} / ~${pr.planned.toLocaleString('en')}`,
        ),
    );
    endProgress();
    await db.query('VACUUM ANALYZE conversations');
    ({ common, rare } = await pickWords(db));
    const { rows } = await db.query<{ facebook_id: string }>(
      `SELECT facebook_id FROM conversations TABLESAMPLE SYSTEM (1) LIMIT 20`,
    );
    users = rows.map((r) => r.facebook_id);
    const { rows: sizes } = await db.query<{ table_mb: number; index_mb: number }>(
      `SELECT pg_table_size('conversations') / 1048576.0 AS table_mb,
              pg_relation_size('idx_conversations_search') / 1048576.0 AS index_mb`,
    );
    console.log(
      `  words: common "${common}", rare "${rare}"; table ${sizes[0]!.table_mb.toFixed(0)} MB, search index ${sizes[0]!.index_mb.toFixed(0)} MB`,
    );
    indexMb = sizes[0]!.index_mb;
    tableMb = sizes[0]!.table_mb;
  } finally {
    await db.end();
  }

  const stack = await startStack({ databaseUrl, bots: 0, env: { LOG_LEVEL: 'warn' } });
  try {
    const cookie = await stack.login();
    const today = DateTime.now().setZone(TZ).startOf('day');
    const range = `from=${today.minus({ days: 89 }).toISODate()}&to=${today.toISODate()}&tz=${encodeURIComponent(TZ)}`;
    const n = quick ? 10 : 30;
    const search = (q: string) =>
      timed(stack, cookie, `/api/conversations?${range}&q=${encodeURIComponent(q)}`, n);
    const commonMs = await search(common);
    const rareMs = await search(rare);
    const failedMs = await timed(stack, cookie, `/api/conversations?${range}&status=failed`, n);
    const transcriptMs: number[] = [];
    for (const u of users)
      transcriptMs.push(...(await timed(stack, cookie, `/api/users/${u}/conversations`, 1)));
    // Page 50 of the common word: the cursor of page 49, then the 50th page timed.
    let cursor = '';
    for (let page = 1; page < 50; page++) {
      const res = await get<ConversationsResponse>(
        stack,
        cookie,
        `/api/conversations?${range}&q=${encodeURIComponent(common)}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      if (!res.next_cursor) break;
      cursor = res.next_cursor;
    }
    const deepMs = await timed(
      stack,
      cookie,
      `/api/conversations?${range}&q=${encodeURIComponent(common)}&cursor=${cursor}`,
      quick ? 3 : 10,
    );
    endProgress();
    const results: Results = {
      explorer_search_p95_ms_10m: p(commonMs, 95),
      explorer_rare_word_p95_ms_10m: p(rareMs, 95),
      explorer_page50_p95_ms_10m: p(deepMs, 95),
      explorer_transcript_p95_ms_10m: p(transcriptMs, 95),
      explorer_failed_90d_p95_ms_10m: p(failedMs, 95),
      explorer_index_mb_10m: indexMb,
      explorer_table_mb_10m: tableMb,
    };
    console.log(`  ${JSON.stringify(results)}`);
    return results;
  } finally {
    await stack.stop();
  }
}

async function get<T>(stack: Stack, cookie: string, path: string): Promise<T> {
  const res = await fetch(`${stack.adminUrl}${path}`, { headers: { cookie } });
  const body = (await res.json()) as T;
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

async function timed(stack: Stack, cookie: string, path: string, n: number): Promise<number[]> {
  await get<ConversationsResponse | TranscriptResponse>(stack, cookie, path);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await get(stack, cookie, path);
    times.push(performance.now() - t0);
    progress(`explorer: ${path.slice(0, 60)}… ${i + 1}/${n}`);
  }
  return times;
}

/** A word in about 1 % of the messages and one in a handful, from a sample of the generated texts. */
async function pickWords(db: ReturnType<typeof createPool>): Promise<{ common: string; rare: string }> {
  const { rows } = await db.query<{ word: string; share: number }>(
    `WITH s AS (SELECT message_text FROM conversations TABLESAMPLE SYSTEM (2) WHERE message_text IS NOT NULL LIMIT 20000),
          w AS (SELECT DISTINCT ON (word, t) lower(word) AS word, t
                  FROM (SELECT message_text AS t FROM s) x, regexp_split_to_table(t, '[^[:alpha:]]+') AS word
                 WHERE length(word) >= 5)
     SELECT word, count(*)::float8 / (SELECT count(*) FROM s) AS share FROM w GROUP BY word ORDER BY share DESC`,
  );
  if (rows.length === 0) throw new Error('no words in the generated texts');
  const common = rows.reduce((best, r) =>
    Math.abs(r.share - 0.01) < Math.abs(best.share - 0.01) ? r : best,
  );
  return { common: common.word, rare: rows.at(-1)!.word };
}

-- Up Migration

-- store_conversations() of migration 011, also returning each stored message's user name as the
-- live feed shows it (FEED_COLUMNS' rule), from the users row as this statement left it: the bot
-- reports its messages to the admin, which shows them without reading them back, so the name must
-- be the stored one (another message of the same user may have fetched the profile meanwhile).
-- A new result column changes the function's type: dropped and created again.
DROP FUNCTION IF EXISTS store_conversations(jsonb);
CREATE FUNCTION store_conversations(batch jsonb)
RETURNS TABLE (mid text, id bigint, new_user boolean, user_name text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  PERFORM pg_advisory_xact_lock(7100001);
  RETURN QUERY
      WITH x AS (
         SELECT * FROM jsonb_to_recordset(batch) AS x(
           inbox_id bigint, mid text, facebook_id text, kind text, message_text text, reply_text text,
           "timestamp" timestamptz, original_timestamp timestamptz, received_at timestamptz,
           response_time_ms float8, queue_ms float8, profile_ms float8, store_ms float8, generate_ms float8, send_ms float8, status text,
           error text, instance_id text, profile jsonb, n int,
           model text, model_version text, input_tokens int, cached_tokens int, output_tokens int,
           reasoning_tokens int, finish_reason text, block_reason text, cost_usd numeric, price_version text)
       ),
       -- Only what is still in the inbox is stored: an event deleted meanwhile (the user's data was
       -- deleted) must not come back. The DELETE locks the rows first, in the order deleteUserData
       -- takes them (inbox, then users), so the two wait for each other instead of deadlocking.
       i AS (
         DELETE FROM inbox WHERE id IN (SELECT inbox_id FROM x)
         RETURNING id
       ),
       live AS (
         SELECT x.* FROM x JOIN i ON i.id = x.inbox_id
       ),
       u AS (
         INSERT INTO users AS t (facebook_id, first_name, last_name, profile_pic, profile_fetched_at,
                                 first_seen, last_interaction)
         SELECT facebook_id,
                (array_agg(profile->>'first_name') FILTER (WHERE profile IS NOT NULL))[1],
                (array_agg(profile->>'last_name') FILTER (WHERE profile IS NOT NULL))[1],
                (array_agg(profile->>'profile_pic') FILTER (WHERE profile IS NOT NULL))[1],
                CASE WHEN bool_or(profile IS NOT NULL) THEN now() END,
                min("timestamp"), max("timestamp")
           FROM live GROUP BY facebook_id ORDER BY facebook_id
         ON CONFLICT (facebook_id) DO UPDATE SET
           first_name = CASE WHEN EXCLUDED.profile_fetched_at IS NULL THEN t.first_name ELSE EXCLUDED.first_name END,
           last_name = CASE WHEN EXCLUDED.profile_fetched_at IS NULL THEN t.last_name ELSE EXCLUDED.last_name END,
           profile_pic = CASE WHEN EXCLUDED.profile_fetched_at IS NULL THEN t.profile_pic ELSE EXCLUDED.profile_pic END,
           profile_fetched_at = coalesce(EXCLUDED.profile_fetched_at, t.profile_fetched_at),
           first_seen = least(t.first_seen, EXCLUDED.first_seen),
           last_interaction = greatest(t.last_interaction, EXCLUDED.last_interaction)
         RETURNING facebook_id, (xmax = 0) AS inserted,
                   nullif(concat_ws(' ', first_name, last_name), '') AS user_name
       ),
       c AS (
         INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp",
                                    original_timestamp, received_at, response_time_ms, queue_ms, profile_ms, store_ms, generate_ms,
                                    send_ms, status, error, instance_id, model, model_version, input_tokens,
                                    cached_tokens, output_tokens, reasoning_tokens, finish_reason, block_reason,
                                    cost_usd, price_version)
         SELECT mid, facebook_id, kind, message_text, reply_text, "timestamp", original_timestamp, received_at,
                response_time_ms, queue_ms, profile_ms, store_ms, generate_ms, send_ms, status, error, instance_id,
                model, model_version, input_tokens, cached_tokens, output_tokens, reasoning_tokens, finish_reason,
                block_reason, cost_usd, price_version
           FROM live ORDER BY n
         ON CONFLICT (mid) DO NOTHING
         RETURNING id, mid
       )
       SELECT x.mid, c.id, coalesce(u.inserted, false) AS new_user, u.user_name
         FROM x LEFT JOIN c ON c.mid = x.mid LEFT JOIN u ON u.facebook_id = x.facebook_id
        ORDER BY x.n;
END
$fn$;

-- Down Migration
DROP FUNCTION IF EXISTS store_conversations(jsonb);
CREATE FUNCTION store_conversations(batch jsonb)
RETURNS TABLE (mid text, id bigint, new_user boolean)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  PERFORM pg_advisory_xact_lock(7100001);
  RETURN QUERY
      WITH x AS (
         SELECT * FROM jsonb_to_recordset(batch) AS x(
           inbox_id bigint, mid text, facebook_id text, kind text, message_text text, reply_text text,
           "timestamp" timestamptz, original_timestamp timestamptz, received_at timestamptz,
           response_time_ms float8, queue_ms float8, profile_ms float8, store_ms float8, generate_ms float8, send_ms float8, status text,
           error text, instance_id text, profile jsonb, n int,
           model text, model_version text, input_tokens int, cached_tokens int, output_tokens int,
           reasoning_tokens int, finish_reason text, block_reason text, cost_usd numeric, price_version text)
       ),
       -- Only what is still in the inbox is stored: an event deleted meanwhile (the user's data was
       -- deleted) must not come back. The DELETE locks the rows first, in the order deleteUserData
       -- takes them (inbox, then users), so the two wait for each other instead of deadlocking.
       i AS (
         DELETE FROM inbox WHERE id IN (SELECT inbox_id FROM x)
         RETURNING id
       ),
       live AS (
         SELECT x.* FROM x JOIN i ON i.id = x.inbox_id
       ),
       u AS (
         INSERT INTO users AS t (facebook_id, first_name, last_name, profile_pic, profile_fetched_at,
                                 first_seen, last_interaction)
         SELECT facebook_id,
                (array_agg(profile->>'first_name') FILTER (WHERE profile IS NOT NULL))[1],
                (array_agg(profile->>'last_name') FILTER (WHERE profile IS NOT NULL))[1],
                (array_agg(profile->>'profile_pic') FILTER (WHERE profile IS NOT NULL))[1],
                CASE WHEN bool_or(profile IS NOT NULL) THEN now() END,
                min("timestamp"), max("timestamp")
           FROM live GROUP BY facebook_id ORDER BY facebook_id
         ON CONFLICT (facebook_id) DO UPDATE SET
           first_name = CASE WHEN EXCLUDED.profile_fetched_at IS NULL THEN t.first_name ELSE EXCLUDED.first_name END,
           last_name = CASE WHEN EXCLUDED.profile_fetched_at IS NULL THEN t.last_name ELSE EXCLUDED.last_name END,
           profile_pic = CASE WHEN EXCLUDED.profile_fetched_at IS NULL THEN t.profile_pic ELSE EXCLUDED.profile_pic END,
           profile_fetched_at = coalesce(EXCLUDED.profile_fetched_at, t.profile_fetched_at),
           first_seen = least(t.first_seen, EXCLUDED.first_seen),
           last_interaction = greatest(t.last_interaction, EXCLUDED.last_interaction)
         RETURNING facebook_id, (xmax = 0) AS inserted
       ),
       c AS (
         INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp",
                                    original_timestamp, received_at, response_time_ms, queue_ms, profile_ms, store_ms, generate_ms,
                                    send_ms, status, error, instance_id, model, model_version, input_tokens,
                                    cached_tokens, output_tokens, reasoning_tokens, finish_reason, block_reason,
                                    cost_usd, price_version)
         SELECT mid, facebook_id, kind, message_text, reply_text, "timestamp", original_timestamp, received_at,
                response_time_ms, queue_ms, profile_ms, store_ms, generate_ms, send_ms, status, error, instance_id,
                model, model_version, input_tokens, cached_tokens, output_tokens, reasoning_tokens, finish_reason,
                block_reason, cost_usd, price_version
           FROM live ORDER BY n
         ON CONFLICT (mid) DO NOTHING
         RETURNING id, mid
       )
       SELECT x.mid, c.id, coalesce(u.inserted, false) AS new_user
         FROM x LEFT JOIN c ON c.mid = x.mid LEFT JOIN u ON u.facebook_id = x.facebook_id
        ORDER BY x.n;
END
$fn$;

-- Up Migration

-- People who wrote to the page. first_seen is the Meta event time of their first message
-- (new vs returning users); last_interaction the latest.
CREATE TABLE users (
  facebook_id text PRIMARY KEY,
  first_name text,
  last_name text,
  profile_pic text,
  profile_fetched_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  first_seen timestamptz NOT NULL,
  last_interaction timestamptz NOT NULL
);
CREATE INDEX idx_users_last_interaction ON users (last_interaction DESC);
CREATE INDEX idx_users_first_seen ON users (first_seen);

-- Every webhook user event, stored before Meta gets its 200 and kept until processed.
-- dedup_key is message.mid / postback.mid, or 'pb:<sender>:<timestamp>' for a postback without one.
CREATE TABLE inbox (
  id bigserial PRIMARY KEY,
  dedup_key text NOT NULL UNIQUE,
  sender_id text NOT NULL,
  event_ts timestamptz NOT NULL,
  event jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  claimed_by text,
  claimed_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  processed_at timestamptz,
  last_error text
);
CREATE INDEX idx_inbox_pending ON inbox (received_at) WHERE processed_at IS NULL;
CREATE INDEX idx_inbox_processed ON inbox (processed_at) WHERE processed_at IS NOT NULL;

-- One row per user message and the bot's answer. id is assigned under a lock so ids grow in
-- commit order: the live feed resumes with "id > since" and never skips a row.
CREATE TABLE conversations (
  id bigserial PRIMARY KEY,
  mid text NOT NULL UNIQUE,
  facebook_id text NOT NULL REFERENCES users (facebook_id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('text', 'attachment', 'postback', 'quick_reply')),
  message_text text,
  reply_text text,
  "timestamp" timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  response_time_ms double precision NOT NULL,
  store_ms double precision,
  generate_ms double precision,
  send_ms double precision,
  status text NOT NULL CHECK (status IN ('replied', 'not_sent', 'failed')),
  error text,
  instance_id text NOT NULL,
  text_deleted boolean NOT NULL DEFAULT false
);
-- INCLUDE facebook_id: distinct users over a raw time range is an index-only scan.
CREATE INDEX idx_conversations_timestamp ON conversations ("timestamp" DESC) INCLUDE (facebook_id);
CREATE INDEX idx_conversations_user_time ON conversations (facebook_id, "timestamp" DESC);
CREATE INDEX idx_conversations_instance_time ON conversations (instance_id, "timestamp" DESC);

-- Plan appendix B: periodic snapshots.
CREATE TABLE metrics (
  id serial PRIMARY KEY,
  "timestamp" timestamp NOT NULL,
  metric_type varchar(50) NOT NULL,
  metric_value jsonb NOT NULL,
  instance_id text,
  created_at timestamp DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_metrics_timestamp ON metrics ("timestamp" DESC);
CREATE INDEX idx_metrics_type ON metrics (metric_type, "timestamp" DESC);

-- Rollups for analytics. New conversations are queued by a trigger; one process at a time (under
-- an advisory lock) folds the queue into the rollups. Readers add the still-queued rows, so
-- analytics are exact up to the last committed message.
CREATE TABLE rollup_queue (
  conversation_id bigint PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE
);

CREATE FUNCTION enqueue_conversations_for_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_queue (conversation_id) SELECT id FROM new_rows;
  RETURN NULL;
END
$$;
CREATE TRIGGER conversations_rollup_queue AFTER INSERT ON conversations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION enqueue_conversations_for_rollup();

-- 15-minute slots: every IANA offset in use is a multiple of 15 minutes, so local hours, days,
-- weeks and months in any zone are whole slots.
CREATE TABLE rollup_slots (
  slot timestamptz PRIMARY KEY,
  messages integer NOT NULL,
  failed integer NOT NULL,
  response_ms_sum double precision NOT NULL,
  response_count integer NOT NULL
);

-- Distinct users do not add up across buckets, so they are kept per time zone: who was active in
-- which local day (d), week (w, Monday) and month (m), and how many per period.
CREATE TABLE rollup_zones (
  tz text PRIMARY KEY,
  ready boolean NOT NULL DEFAULT false,
  requested_at timestamptz NOT NULL DEFAULT now(),
  ready_at timestamptz
);
-- UTC is always kept (created here, before any data, so it is complete from the start).
INSERT INTO rollup_zones (tz, ready, ready_at) VALUES ('UTC', true, now());

CREATE TABLE rollup_user_periods (
  tz text NOT NULL,
  grain char(1) NOT NULL CHECK (grain IN ('d', 'w', 'm')),
  period date NOT NULL,
  facebook_id text NOT NULL,
  messages integer NOT NULL,
  last_seen timestamptz NOT NULL,
  PRIMARY KEY (tz, grain, period, facebook_id)
);
CREATE INDEX idx_rollup_user_periods_user ON rollup_user_periods (facebook_id);

CREATE TABLE rollup_period_totals (
  tz text NOT NULL,
  grain char(1) NOT NULL CHECK (grain IN ('d', 'w', 'm')),
  period date NOT NULL,
  users integer NOT NULL,
  PRIMARY KEY (tz, grain, period)
);

CREATE FUNCTION rollup_period(grain char, ts timestamptz, tz text) RETURNS date
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE grain
    WHEN 'd' THEN (ts AT TIME ZONE tz)::date
    WHEN 'w' THEN date_trunc('week', ts AT TIME ZONE tz)::date
    ELSE date_trunc('month', ts AT TIME ZONE tz)::date
  END
$$;

-- Admin accounts and their sessions (in the database so every admin process shares them).
CREATE TABLE admin_users (
  id serial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE admin_sessions (
  token_hash text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX idx_admin_sessions_user ON admin_sessions (user_id);

-- Down Migration
DROP TABLE IF EXISTS admin_sessions, admin_users, rollup_period_totals, rollup_user_periods,
  rollup_zones, rollup_slots, rollup_queue, metrics, conversations, inbox, users CASCADE;
DROP FUNCTION IF EXISTS rollup_period(char, timestamptz, text);
DROP FUNCTION IF EXISTS enqueue_conversations_for_rollup();

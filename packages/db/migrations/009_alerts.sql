-- Up Migration

-- Alerts (DESIGN.md "Alerts"): rules with their editable settings, the live state of each rule,
-- every transition, silences, notification channels and a durable outbox of deliveries.

-- Settings of the seven built-in rules; a NULL means "the default" (enabled NULL: NoMessages is off
-- in demo mode, everything else on), so a changed default reaches rules nobody edited.
CREATE TABLE alert_rules (
  alertname text PRIMARY KEY,
  enabled boolean,
  for_seconds integer CHECK (for_seconds >= 0),
  threshold double precision,
  window_seconds integer CHECK (window_seconds > 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alert_states (
  alertname text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('normal', 'pending', 'firing', 'resolved')),
  since timestamptz NOT NULL DEFAULT now(),
  -- when the condition became true (pending) and the alert started firing
  active_since timestamptz,
  firing_since timestamptz,
  value double precision,
  labels jsonb NOT NULL DEFAULT '{}',
  summary text,
  -- the firing notification went out (not silenced); the resolve is only sent after one
  notified boolean NOT NULL DEFAULT false,
  last_notified_at timestamptz,
  evaluated_at timestamptz
);

CREATE TABLE alert_history (
  id bigserial PRIMARY KEY,
  alertname text NOT NULL,
  state text NOT NULL CHECK (state IN ('normal', 'pending', 'firing', 'resolved')),
  previous text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  value double precision,
  labels jsonb NOT NULL DEFAULT '{}',
  summary text,
  duration_seconds double precision,
  silenced boolean NOT NULL DEFAULT false
);
CREATE INDEX idx_alert_history_at ON alert_history (id DESC);

CREATE TABLE alert_silences (
  id bigserial PRIMARY KEY,
  alertname text,
  until timestamptz NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alert_channels (
  id text PRIMARY KEY,
  type text NOT NULL CHECK (type IN ('webhook', 'slack', 'discord', 'teams', 'email')),
  name text NOT NULL,
  -- url (webhook kinds) or {to, from?, smtp_url?} (email); secrets: never logged, masked by the API
  config jsonb NOT NULL,
  source text NOT NULL CHECK (source IN ('env', 'api')),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_delivery_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  failures bigint NOT NULL DEFAULT 0
);

CREATE TABLE alert_outbox (
  id bigserial PRIMARY KEY,
  channel_id text NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('firing', 'resolved', 'test')),
  alertname text,
  notification jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  delivered_at timestamptz,
  gave_up_at timestamptz
);
CREATE INDEX idx_alert_outbox_due ON alert_outbox (next_attempt_at)
  WHERE delivered_at IS NULL AND gave_up_at IS NULL;

-- One evaluator across admins. Not an advisory lock: the embedded server multiplexes every
-- connection over one session, where a session lock would be held by everybody at once.
CREATE TABLE alert_lease (
  name text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- Bot instances linked to each admin, written by every admin: the evaluator sees all of them.
CREATE TABLE alert_bot_links (
  admin_id text NOT NULL,
  instance_id text NOT NULL,
  status text NOT NULL,
  health jsonb,
  reported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (admin_id, instance_id)
);
CREATE TABLE alert_admins (
  admin_id text PRIMARY KEY,
  reported_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE alert_admins;
DROP TABLE alert_bot_links;
DROP TABLE alert_lease;
DROP TABLE alert_outbox;
DROP TABLE alert_channels;
DROP TABLE alert_silences;
DROP TABLE alert_history;
DROP TABLE alert_states;
DROP TABLE alert_rules;

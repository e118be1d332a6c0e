-- Up Migration

-- The conversation explorer finds words in the message or the reply, case-insensitively, in any
-- script. A trigram index answers `LIKE '%word%'` on the lower-cased text whatever the script and
-- wherever the word sits inside a token (日本語 inside 日本語テスト, which a 'simple' tsvector keeps
-- as one lexeme and cannot find). pg_trgm is a trusted extension (no superuser needed since PG 13)
-- and bundled with PGlite (loaded in packages/db/src/embedded.ts). Measurements: docs/schema.md.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The one definition of the searched text: the index and every query call this function, so the
-- planner matches them (an SQL function this simple is inlined on both sides).
CREATE OR REPLACE FUNCTION conversation_search_text(message_text text, reply_text text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(coalesce(message_text, '') || ' ' || coalesce(reply_text, ''))
$$;

CREATE INDEX IF NOT EXISTS idx_conversations_search ON conversations
  USING gin (conversation_search_text(message_text, reply_text) gin_trgm_ops);

-- Failures of a range ("failed in the last hour", status=failed over 90 days) without reading
-- every replied row: a small partial index.
CREATE INDEX IF NOT EXISTS idx_conversations_failed ON conversations ("timestamp" DESC, id DESC) WHERE status = 'failed';

-- Down Migration
DROP INDEX IF EXISTS idx_conversations_failed;
DROP INDEX IF EXISTS idx_conversations_search;
DROP FUNCTION IF EXISTS conversation_search_text(text, text);

-- Up Migration

-- The Monitoring page's Gemini card (every 10 s on each admin) takes the average and p95 of the
-- generate stage over today's Gemini replies (getGenAiLatency). Through the timestamp index it
-- visited every row of the day, Gemini or not: 400k rows today, none from Gemini (the rule
-- responder), cost 31 ms on both cores (a parallel seq scan); with 200k of them from Gemini,
-- 128 ms. This index holds the Gemini replies only, with their generate time: 0.05 ms and 53 ms.
CREATE INDEX IF NOT EXISTS idx_conversations_gen_ai_latency ON conversations ("timestamp") INCLUDE (generate_ms)
  WHERE model IS NOT NULL AND generate_ms IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS idx_conversations_gen_ai_latency;

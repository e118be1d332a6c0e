-- Up Migration

-- rollup_queue is rewritten every second (rows in, rows out): vacuum and analyze it often so its
-- dead rows and stale row estimate never make the planner treat an empty queue as a big table.
ALTER TABLE rollup_queue SET (
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 5000,
  autovacuum_analyze_scale_factor = 0,
  autovacuum_analyze_threshold = 5000
);
ALTER TABLE inbox SET (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_analyze_scale_factor = 0.01
);

-- Down Migration
ALTER TABLE rollup_queue RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
  autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);
ALTER TABLE inbox RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor);

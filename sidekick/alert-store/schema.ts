/**
 * The store's tables. `alerts.body` keeps the alert exactly as received (key order included) so what the
 * API returns is what was stored; the other columns exist to be indexed. `ts` is the alert's own time in
 * microseconds; `stored_at` is when the store received it (epoch ms), which retention by age uses so a
 * replayed old capture is not dropped on arrival. `stored_at` grows with `seq`, so it needs no index:
 * the aged rows are the first ones in `seq` order. Full-text search is a contentless FTS5 table (the text
 * already lives in `body`) with `contentless_delete`, so retention can remove its rows, and `detail=none`
 * (no positions: a third of the index and twice the insert rate), so a query is a set of word prefixes.
 * `alert_tags` has no index by `seq` (one b-tree less per tag); the cascade finds a row's tags in its body.
 * The rule and hostname indexes carry `severity` (version 2): the UI's usual filter, a rule or host plus
 * priorities, is then counted and paged from the index alone, without reading a row per match.
 */
export const SCHEMA_VERSION = 2;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  seq INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  ts INTEGER NOT NULL,
  severity INTEGER NOT NULL,
  rule TEXT NOT NULL,
  source TEXT NOT NULL,
  hostname TEXT NOT NULL,
  stored_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_ts ON alerts (ts, seq);
CREATE INDEX IF NOT EXISTS alerts_severity ON alerts (severity, ts);
DROP INDEX IF EXISTS alerts_rule;
DROP INDEX IF EXISTS alerts_hostname;
CREATE INDEX IF NOT EXISTS alerts_rule_severity ON alerts (rule, severity, ts);
CREATE INDEX IF NOT EXISTS alerts_source ON alerts (source, ts);
CREATE INDEX IF NOT EXISTS alerts_hostname_severity ON alerts (hostname, severity, ts);
CREATE TABLE IF NOT EXISTS alert_tags (
  tag TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (tag, seq)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS alerts_fts USING fts5 (output, fields, content='', contentless_delete=1, detail=none);
CREATE TRIGGER IF NOT EXISTS alerts_cascade AFTER DELETE ON alerts BEGIN
  DELETE FROM alert_tags WHERE seq = old.seq AND tag IN (SELECT value FROM json_each(old.body, '$.tags'));
  DELETE FROM alerts_fts WHERE rowid = old.seq;
END;
`;

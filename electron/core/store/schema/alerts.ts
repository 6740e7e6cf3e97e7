/**
 * The alerts area's tables. Versions 40–49 belong to this area, so areas
 * built side by side never take the same number (see migrations.ts rules).
 *
 * No secrets here: a channel's URL (it carries the token), DingTalk signing
 * secret and SMTP password live in the secret store; `destination` holds
 * only the URL's host (or the SMTP server and recipients).
 */
import type { Migration } from '../migrations';

const V40_ALERTS = `
CREATE TABLE alert_channels (
  id          TEXT PRIMARY KEY,
  business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('webhook', 'dingtalk', 'slack', 'email')),
  enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  settings    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
  destination TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (business_id, name)
) STRICT;
CREATE INDEX alert_channels_business ON alert_channels(business_id);

-- Every attempt to deliver an alert, kept when its channel is removed.
CREATE TABLE alert_deliveries (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  at            INTEGER NOT NULL,
  channel_id    TEXT NOT NULL,
  channel_name  TEXT NOT NULL,
  channel_kind  TEXT NOT NULL,
  business_id   TEXT,
  business_name TEXT,
  event         TEXT NOT NULL,
  trigger       TEXT NOT NULL CHECK (trigger IN ('test', 'check', 'console')),
  summary       TEXT NOT NULL DEFAULT '',
  result        TEXT NOT NULL CHECK (result IN ('delivered', 'failed')),
  http_status   INTEGER,
  reply         TEXT,
  error_code    TEXT,
  error_message TEXT,
  duration_ms   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX alert_deliveries_at ON alert_deliveries(at);
CREATE INDEX alert_deliveries_channel ON alert_deliveries(channel_id, at);

-- What was last seen failing per business and subject (item kind, host,
-- repository, plan), so a daily check alerts on changes, and reminds of a
-- lasting failure at most once per reminder period (see alerts/firing.ts).
CREATE TABLE alert_state (
  business_id      TEXT NOT NULL,
  subject          TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('ok', 'warning', 'failing')),
  failing_since    INTEGER,
  last_alerted_at  INTEGER,
  last_check_id    TEXT NOT NULL,
  PRIMARY KEY (business_id, subject)
) STRICT;
`;

// A business removed takes its channels with it (ON DELETE CASCADE), but
// their secrets live in the secret store, which SQLite cannot reach: the
// trigger notes every removed channel, and the alert service deletes the
// secrets of what it finds noted (at start and before listing).
const V41_REMOVED_CHANNELS = `
CREATE TABLE alert_channels_removed (
  channel_id TEXT PRIMARY KEY
) STRICT;
CREATE TRIGGER alert_channels_note_removed AFTER DELETE ON alert_channels
BEGIN
  INSERT OR IGNORE INTO alert_channels_removed (channel_id) VALUES (OLD.id);
END;
`;

export const ALERTS_MIGRATIONS: readonly Migration[] = [
  {
    version: 40,
    name: 'alert channels, deliveries and per-subject alert state',
    up(db) {
      db.exec(V40_ALERTS);
    },
  },
  {
    version: 41,
    name: 'note removed alert channels so their secrets are deleted',
    up(db) {
      db.exec(V41_REMOVED_CHANNELS);
    },
  },
];

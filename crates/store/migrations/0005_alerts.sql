-- Early-warning alerts, their lifecycle history and the notification delivery
-- log.
--
-- An alert is what a rule found in one scope (`dedup_key` = rule + scope).
-- The partial unique index keeps one open alert per key: re-evaluating the
-- same day, or the next day while the situation lasts, refreshes the open
-- alert instead of raising another; once closed, the key may raise a new one.
-- `org_code` is the owner organisation and decides who sees the alert; an
-- escalation moves it to the parent organisation. `version` is the optimistic
-- lock of lifecycle changes.

CREATE TABLE alerts (
    id           TEXT PRIMARY KEY,
    rule         TEXT NOT NULL,
    dedup_key    TEXT NOT NULL,
    org_code     TEXT NOT NULL REFERENCES orgs (code),
    severity     TEXT NOT NULL,
    title        TEXT NOT NULL,
    evidence     TEXT NOT NULL,
    status       TEXT NOT NULL,
    first_date   TEXT NOT NULL,
    last_date    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    escalated_at TEXT,
    close_note   TEXT,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX alerts_open_key ON alerts (dedup_key) WHERE status <> 'closed';
CREATE INDEX alerts_status_created ON alerts (status, created_at);
CREATE INDEX alerts_org ON alerts (org_code, last_date);

-- Append-only: every creation, lifecycle step and escalation of an alert.
CREATE TABLE alert_events (
    id          TEXT PRIMARY KEY,
    alert_id    TEXT NOT NULL REFERENCES alerts (id),
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    at          TEXT NOT NULL,
    note        TEXT,
    payload     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, at);

-- One row per notification sent (or given up) on one channel. `target` is a
-- label of the receiver without secrets (the host of a webhook, the relay of
-- a mail channel), never the robot key or a password.
CREATE TABLE alert_deliveries (
    id           TEXT PRIMARY KEY,
    alert_id     TEXT NOT NULL REFERENCES alerts (id),
    channel      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    target       TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempts     BIGINT NOT NULL,
    http_status  BIGINT,
    last_error   TEXT,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL
);
CREATE INDEX alert_deliveries_alert ON alert_deliveries (alert_id, started_at);

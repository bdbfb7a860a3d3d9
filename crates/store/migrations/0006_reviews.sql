-- Consumer-protection review (消保审查): requests, the documents of each
-- submission round with their automatic pre-review, reviewers' opinions and
-- the submitters' answers, the append-only history, and annotations added
-- after archiving.
--
-- A request's `round` counts submissions: round 1 is the first submission,
-- each resubmission after a return adds one. Documents are immutable rows of
-- one round; the file bytes live in `review_files` (content-addressed by
-- SHA-256, backend-specific because of the binary column type).
-- `archive_manifest` and `archive_hash` are written once, on approval: the
-- manifest lists every document hash, opinion, answer and decision, and the
-- hash is over the manifest, so the archive can be checked later.

ALTER TABLE users ADD COLUMN department TEXT NOT NULL DEFAULT '';

CREATE TABLE review_requests (
    id               TEXT PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    subject          TEXT NOT NULL,
    stage            TEXT NOT NULL,
    trigger_kind     TEXT NOT NULL,
    business_line    TEXT NOT NULL,
    department       TEXT NOT NULL,
    submitter_id     TEXT NOT NULL REFERENCES users (id),
    submitter_name   TEXT NOT NULL,
    launch_date      TEXT,
    description      TEXT NOT NULL DEFAULT '',
    checklist        TEXT NOT NULL DEFAULT '[]',
    status           TEXT NOT NULL,
    round            BIGINT NOT NULL DEFAULT 1,
    decision         TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    submitted_at     TEXT,
    decided_at       TEXT,
    approved_at      TEXT,
    archive_manifest TEXT,
    archive_hash     TEXT,
    retrospective_on TEXT,
    retrospective_note TEXT,
    version          BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX review_requests_department ON review_requests (department, created_at);
CREATE INDEX review_requests_status ON review_requests (status, created_at);

CREATE TABLE review_number_seq (
    day  TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- `kind`: `material` (submitted for review) or `final` (the material as
-- published after launch, for the 回溯评估 comparison).
CREATE TABLE review_documents (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES review_requests (id),
    round       BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    filename    TEXT NOT NULL,
    format      TEXT NOT NULL,
    byte_size   BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    text        TEXT NOT NULL,
    layout      TEXT NOT NULL,
    report      TEXT NOT NULL,
    kb_version  BIGINT NOT NULL,
    findings    BIGINT NOT NULL,
    forbidden   BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX review_documents_request ON review_documents (request_id, round);

CREATE TABLE review_opinions (
    id              TEXT PRIMARY KEY,
    request_id      TEXT NOT NULL REFERENCES review_requests (id),
    round           BIGINT NOT NULL,
    document_id     TEXT REFERENCES review_documents (id),
    entry_id        TEXT,
    char_start      BIGINT,
    char_end        BIGINT,
    quote           TEXT NOT NULL DEFAULT '',
    materiality     TEXT NOT NULL,
    body            TEXT NOT NULL,
    suggestion      TEXT NOT NULL DEFAULT '',
    basis           TEXT NOT NULL DEFAULT '',
    reviewer_id     TEXT NOT NULL,
    reviewer_name   TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    adoption        TEXT,
    adoption_reason TEXT,
    answered_by     TEXT,
    answered_at     TEXT,
    answered_round  BIGINT
);
CREATE INDEX review_opinions_request ON review_opinions (request_id, created_at);

CREATE TABLE review_events (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES review_requests (id),
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    at          TEXT NOT NULL,
    note        TEXT,
    payload     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX review_events_request ON review_events (request_id, at);

CREATE TABLE review_annotations (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES review_requests (id),
    author_id   TEXT NOT NULL,
    author_name TEXT NOT NULL,
    at          TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX review_annotations_request ON review_annotations (request_id, at);

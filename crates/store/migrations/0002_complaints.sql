-- Complaints: the record, its append-only event history, and the daily
-- sequence behind readable numbers (TS + date + 6 digits).
--
-- Personal data of the complainant is stored only encrypted (`*_enc`, AES-256-GCM
-- with a key outside the database), next to its masked display form and, for
-- phone, ID and card numbers, a keyed blind index for equality matching.
-- `content` holds the free text with personal data masked; the original text,
-- when it differed, is kept encrypted in `content_enc`.

CREATE TABLE complaints (
    id                   TEXT PRIMARY KEY,
    number               TEXT NOT NULL UNIQUE,
    external_id          TEXT UNIQUE,
    received_at          TEXT NOT NULL,
    received_on          TEXT NOT NULL,
    source               TEXT NOT NULL,
    channel              TEXT NOT NULL,
    business_category    TEXT NOT NULL,
    business_subcategory TEXT,
    reason               TEXT NOT NULL,
    demands              TEXT NOT NULL DEFAULT '[]',
    vulnerable_flags     TEXT NOT NULL DEFAULT '[]',
    title                TEXT NOT NULL,
    content              TEXT NOT NULL,
    content_enc          TEXT,
    complainant_role     TEXT NOT NULL,
    name_enc             TEXT,
    name_masked          TEXT,
    phone_enc            TEXT,
    phone_masked         TEXT,
    phone_bidx           TEXT,
    id_number_enc        TEXT,
    id_number_masked     TEXT,
    id_number_bidx       TEXT,
    card_number_enc      TEXT,
    card_number_masked   TEXT,
    card_number_bidx     TEXT,
    product              TEXT,
    amount_fen           BIGINT,
    subject_staff        TEXT NOT NULL DEFAULT '[]',
    tags                 TEXT NOT NULL DEFAULT '[]',
    org_code             TEXT NOT NULL REFERENCES orgs (code),
    assignee             TEXT,
    state                TEXT NOT NULL,
    due_on               TEXT,
    legal_due_on         TEXT,
    sla_status           TEXT NOT NULL,
    sla_breached         BIGINT NOT NULL DEFAULT 0,
    outcome              TEXT,
    satisfaction         TEXT,
    compensation_fen     BIGINT,
    finished_on          TEXT,
    facts                TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    created_by           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX complaints_org_received ON complaints (org_code, received_at);
CREATE INDEX complaints_received ON complaints (received_at);
CREATE INDEX complaints_state_due ON complaints (state, due_on);
CREATE INDEX complaints_category ON complaints (business_category, received_at);
CREATE INDEX complaints_assignee ON complaints (assignee, state);
CREATE INDEX complaints_phone_bidx ON complaints (phone_bidx);
CREATE INDEX complaints_id_number_bidx ON complaints (id_number_bidx);
CREATE INDEX complaints_card_number_bidx ON complaints (card_number_bidx);

CREATE TABLE complaint_events (
    id           TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL REFERENCES complaints (id),
    seq          BIGINT NOT NULL,
    action       TEXT NOT NULL,
    from_state   TEXT,
    to_state     TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    at           TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    UNIQUE (complaint_id, seq)
);

CREATE TABLE complaint_number_seq (
    day  TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- The forbidden-words knowledge base, versioned, and the term statistics behind
-- hot and rising words.
--
-- Each knowledge-base version is a whole snapshot (JSON Lines of entries and
-- disclosure rules), so comparing two versions and rolling back are reads of
-- two rows; a rollback is a new version whose content is an old one's. The
-- version number is the primary key: two editors saving at once cannot both
-- create the same version.

CREATE TABLE kb_versions (
    number      BIGINT PRIMARY KEY,
    author_id   TEXT NOT NULL,
    author_name TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    content     TEXT NOT NULL,
    summary     TEXT NOT NULL
);

-- Documents mentioning each analysis term, per received day, organisation and
-- business category. Kept by a background job that counts every complaint
-- once (complaints.terms_counted), so a hot-word or rising-word query is a
-- sum over a few thousand rows rather than a pass over every text.
CREATE TABLE term_stats (
    day               TEXT NOT NULL,
    org_code          TEXT NOT NULL,
    business_category TEXT NOT NULL,
    term              TEXT NOT NULL,
    docs              BIGINT NOT NULL,
    PRIMARY KEY (day, org_code, business_category, term)
);
CREATE INDEX term_stats_term ON term_stats (term, day);

-- Documents per received day, organisation and category: the denominators of
-- term shares.
CREATE TABLE doc_stats (
    day               TEXT NOT NULL,
    org_code          TEXT NOT NULL,
    business_category TEXT NOT NULL,
    docs              BIGINT NOT NULL,
    PRIMARY KEY (day, org_code, business_category)
);

ALTER TABLE complaints ADD COLUMN terms_counted BIGINT NOT NULL DEFAULT 0;
CREATE INDEX complaints_terms_pending ON complaints (terms_counted) WHERE terms_counted = 0;

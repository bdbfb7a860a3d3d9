-- Roll-ups of term_stats without the category (per organisation) and without
-- the organisation (whole bank), kept by the same job in the same
-- transaction. Most analyses do not filter by category; summing these is
-- 10–50 times fewer rows than summing term_stats.
CREATE TABLE term_stats_org (
    day      TEXT NOT NULL,
    org_code TEXT NOT NULL,
    term     TEXT NOT NULL,
    docs     BIGINT NOT NULL,
    PRIMARY KEY (day, org_code, term)
);

CREATE TABLE term_stats_day (
    day  TEXT NOT NULL,
    term TEXT NOT NULL,
    docs BIGINT NOT NULL,
    PRIMARY KEY (day, term)
);

CREATE INDEX term_stats_category_day ON term_stats (business_category, day);

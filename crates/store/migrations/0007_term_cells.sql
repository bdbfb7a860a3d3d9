-- Term statistics as one row per received day × organisation × category ×
-- channel (a "cell"): the complaints counted there and, in one text column, how many
-- of them mention each analysis term ("term<TAB>docs" lines, sorted by
-- term). A year of a large bank is a few hundred thousand cells instead of
-- tens of millions of per-term rows, so the counting job writes a row per
-- cell it touches and an instance loads the whole year into memory in
-- seconds; hot-word and rising-word queries are answered from that memory.
--
-- term_stats_days has one row per day with the complaints counted and a
-- version that every counting batch touching the day increments: before each
-- query an instance reads it and reloads only the days whose version it has
-- not seen, whichever instance counted them.
--
-- The statistics are derived data: the per-term tables are dropped and every
-- complaint is counted again by the background job.
DROP TABLE term_stats;
DROP TABLE term_stats_org;
DROP TABLE term_stats_day;
DROP TABLE doc_stats;

CREATE TABLE term_cells (
    day               TEXT NOT NULL,
    org_code          TEXT NOT NULL,
    business_category TEXT NOT NULL,
    channel           TEXT NOT NULL,
    docs              BIGINT NOT NULL,
    terms             TEXT NOT NULL,
    PRIMARY KEY (day, org_code, business_category, channel)
);

CREATE TABLE term_stats_days (
    day     TEXT PRIMARY KEY,
    docs    BIGINT NOT NULL,
    version BIGINT NOT NULL
);

UPDATE complaints SET terms_counted = 0 WHERE terms_counted <> 0;

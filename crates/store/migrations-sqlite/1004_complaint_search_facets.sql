-- Search answers "the newest matches inside my organisations" from the
-- full-text index alone.
--
-- Beside the words, each complaint's FTS5 row gets a `facets` column of
-- tokens: its organisation 'o' || hex(code), the month received
-- 'm' || YYYYMM, and the columns lists filter on by equality (state 's',
-- business category 'b', reason 'r', channel 'ch', source 'src', assignee
-- 'a', each followed by the hex of the value, so that any value is one
-- token). FTS5 intersects the words with the facets asked for while it walks
-- the newest rows, instead of joining every match to its complaint.
--
-- `complaints.search_rowid` names the complaint's FTS5 row, so that every
-- action can refresh the facets without scanning the index. The rows keep
-- their row ids, which stay the order of registration. The time received is
-- kept beside the words (not indexed) to order equally relevant matches;
-- relevance is computed by the application from the matches' words, since
-- FTS5's bm25() would count every facet's rows first.
--
-- Words written in one transaction are gathered in memory up to 16 MiB
-- (FTS5's default is 1 MiB) before they become an index segment: an import
-- then writes and merges fewer segments.
ALTER TABLE complaints ADD COLUMN search_rowid INTEGER;

CREATE VIRTUAL TABLE complaint_fts_faceted USING fts5 (
    complaint_id UNINDEXED,
    received_at UNINDEXED,
    tokens,
    facets,
    tokenize = 'unicode61'
);

INSERT INTO complaint_fts_faceted (rowid, complaint_id, received_at, tokens, facets)
SELECT f.rowid, f.complaint_id, c.received_at, f.tokens,
       'o' || hex(c.org_code) || ' m' || replace(substr(c.received_on, 1, 7), '-', '')
       || ' s' || hex(c.state) || ' b' || hex(c.business_category) || ' r' || hex(c.reason)
       || ' ch' || hex(c.channel) || ' src' || hex(c.source)
       || coalesce(' a' || hex(c.assignee), '')
FROM complaint_fts f JOIN complaints c ON c.id = f.complaint_id
ORDER BY f.rowid;

UPDATE complaints SET search_rowid = m.rowid
FROM (SELECT rowid, complaint_id FROM complaint_fts_faceted) m
WHERE complaints.id = m.complaint_id;

DROP TABLE complaint_fts;
ALTER TABLE complaint_fts_faceted RENAME TO complaint_fts;
INSERT INTO complaint_fts (complaint_fts, rank) VALUES ('hashsize', 16777216);

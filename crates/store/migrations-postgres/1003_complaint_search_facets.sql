-- Search answers "the newest matches inside my organisations" from the index.
--
-- Beside the words, each complaint's search row keeps when it was received
-- and a second tsvector of facets: its organisation ('o=CODE'), the month it
-- was received ('m=YYYY-MM') and the columns lists filter on by equality
-- (state 's=', business category 'b=', reason 'r=', channel 'ch=', source
-- 'src=', assignee 'a='). One GIN index over both columns intersects the
-- words with the facets and one month at a time, so a search reads the rows
-- of its newest matches only, instead of every match or every recent
-- complaint. The application refreshes the facets on every action.
ALTER TABLE complaint_search ADD COLUMN received_at TEXT;
ALTER TABLE complaint_search ADD COLUMN facets TSVECTOR;
UPDATE complaint_search s
SET received_at = c.received_at,
    facets = array_to_tsvector(array_remove(ARRAY['o=' || c.org_code,
        'm=' || substr(c.received_on, 1, 7), 's=' || c.state, 'b=' || c.business_category,
        'r=' || c.reason, 'ch=' || c.channel, 'src=' || c.source, 'a=' || c.assignee], NULL))
FROM complaints c
WHERE c.id = s.complaint_id;
ALTER TABLE complaint_search ALTER COLUMN received_at SET NOT NULL;
ALTER TABLE complaint_search ALTER COLUMN facets SET NOT NULL;
DROP INDEX complaint_search_tsv;
CREATE INDEX complaint_search_words_facets ON complaint_search USING GIN (tsv, facets);

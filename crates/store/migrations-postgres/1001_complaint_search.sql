-- Full-text search over complaint title and content (PostgreSQL). The text is
-- segmented into words by the application (jieba with the banking dictionary);
-- the 'simple' configuration keeps those words as they are.
CREATE TABLE complaint_search (
    complaint_id TEXT PRIMARY KEY REFERENCES complaints (id),
    tsv          TSVECTOR NOT NULL
);
CREATE INDEX complaint_search_tsv ON complaint_search USING GIN (tsv);

-- Full-text search over complaint title and content (SQLite). The text is
-- segmented into words by the application (jieba with the banking dictionary)
-- and stored space-separated, so FTS5's unicode61 tokenizer sees Chinese words.
CREATE VIRTUAL TABLE complaint_fts USING fts5 (
    complaint_id UNINDEXED,
    tokens,
    tokenize = 'unicode61'
);

-- File bytes of review documents, content-addressed: the same file uploaded
-- twice is stored once, and an archived review's hashes name its bytes.
CREATE TABLE review_files (
    sha256  TEXT PRIMARY KEY,
    content BYTEA NOT NULL
);

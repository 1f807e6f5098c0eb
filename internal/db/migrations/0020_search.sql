-- Full-text search shared by the site (regulation library, tax guides,
-- articles, Q&A): one row per searchable piece of text. The words are cut
-- in Go (internal/search: Chinese bigrams and lowercased Latin words and
-- numbers, separated by spaces), so that both databases index the same
-- tokens and find the same documents: SQLite through an FTS5 table
-- (unicode61 splits at the spaces; bm25 ranks), PostgreSQL through a
-- tsvector('simple') column with a GIN index (ts_rank_cd ranks).
--
-- kind + ref name the row (UNIQUE: re-indexing a document replaces it);
-- grp gathers the rows of one document (the chunks of a law) so that a
-- result list shows each document once, at its best row. facets holds
-- " key=value " words that a query can require (kind of law, province,
-- year ...). boost multiplies the rank (a law in force over a superseded
-- version). The token columns are empty on SQLite: the FTS5 table keeps
-- its own index and needs no copy.
CREATE TABLE search_docs (
    id {{id}},
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    grp TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    url TEXT NOT NULL,
    facets TEXT NOT NULL DEFAULT ' ',
    boost DOUBLE PRECISION NOT NULL DEFAULT 1,
    title_tokens TEXT NOT NULL DEFAULT '',
    body_tokens TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    UNIQUE (kind, ref)
);
CREATE INDEX search_docs_grp ON search_docs(kind, grp);
{{sqlite}}CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
{{postgres}}ALTER TABLE search_docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_tokens), 'A') || setweight(to_tsvector('simple', body_tokens), 'D')) STORED;
{{postgres}}CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);

-- Keep each search row's tsvector in the row itself on PostgreSQL. A chunk
-- of a law (about 1,200 characters) has a tsvector of about 5.5 kB, which
-- pglz cannot shrink by a quarter, so PostgreSQL stored it raw in the TOAST
-- table: ranking (ts_rank_cd) and the phrase recheck of the GIN index then
-- fetched every matching row's tsvector through the TOAST index, about four
-- extra page reads a row. For a common word of the library (合同, 法律责任:
-- 2,000–3,000 matching rows) that was 75–100 ms of a search; kept in the
-- heap row it is 25–35 ms (EXPLAIN ANALYZE, same data, docs in the commit).
-- STORAGE MAIN moves the column out of the row only when nothing else can
-- go, and toast_tuple_target lets a row fill a page before that. The
-- UPDATE rewrites the rows already indexed (the generated column is
-- computed again and stored the new way); on a new database it has
-- nothing to do. SQLite keeps its FTS5 index and needs nothing.
{{postgres}}ALTER TABLE search_docs ALTER COLUMN tsv SET STORAGE MAIN;
{{postgres}}ALTER TABLE search_docs SET (toast_tuple_target = 8160);
{{postgres}}UPDATE search_docs SET title_tokens = title_tokens;

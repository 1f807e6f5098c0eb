-- The 12366 knowledge base (知识库): entries written by agents and editors,
-- published only when a reviewer who is not the last author approves
-- (CHECK below, and the guarded UPDATE in internal/kb). Published entries
-- are indexed in search_docs as kind 'kb'; valid_from/valid_to (dates,
-- YYYY-MM-DD, valid_to inclusive) limit when the public sees them.
-- refs holds the legal references, one a line: "text" or "text | /laws/12#a5".
CREATE TABLE kb_entries (
    id {{id}},
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    tax_type TEXT NOT NULL,
    refs TEXT NOT NULL DEFAULT '',
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'archived')),
    author_id BIGINT NOT NULL REFERENCES staff(id),
    reviewed_by BIGINT REFERENCES staff(id),
    reviewed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (reviewed_by IS NULL OR reviewed_by <> author_id),
    CHECK (state <> 'published' OR reviewed_by IS NOT NULL),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
-- The staff list by state, newest first (keyset by id).
CREATE INDEX kb_entries_state ON kb_entries(state, id);
-- The last change (edit, approval, archive), read by the public page
-- cache's content fingerprint.
CREATE INDEX kb_entries_updated ON kb_entries(updated_at);

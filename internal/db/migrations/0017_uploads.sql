-- Uploaded files (package uploads): the bytes once per SHA-256 in
-- upload_blobs (a second upload of the same content inserts nothing: ON
-- CONFLICT DO NOTHING), and one upload row per reference: who it belongs to
-- (owner_kind/owner_id, e.g. 'application'/17, and slot, e.g. a material's
-- code), the file name the user gave, and whose it is for access: the
-- taxpayer (its users and the staff of its bureau subtree) or, when
-- taxpayer_id is NULL, the org (the staff of that org's subtree), or
-- everybody when public = 1 (CMS images).
CREATE TABLE upload_blobs (
    sha256 TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data {{blob}} NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE uploads (
    id {{id}},
    sha256 TEXT NOT NULL REFERENCES upload_blobs(sha256),
    owner_kind TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    slot TEXT NOT NULL DEFAULT '',
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    taxpayer_id BIGINT REFERENCES taxpayers(id),
    org_id BIGINT REFERENCES orgs(id),
    public INTEGER NOT NULL DEFAULT 0,
    uploaded_by_kind TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    removed_at TEXT NOT NULL DEFAULT ''
);
-- An owner's files, in upload order (an application's materials).
CREATE INDEX uploads_owner ON uploads(owner_kind, owner_id, id);
CREATE INDEX uploads_taxpayer ON uploads(taxpayer_id, id);

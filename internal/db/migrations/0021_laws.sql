-- The regulation library (法规库): one row per version of a document,
-- imported from the library folder (taxhall import-laws DIR). path is the
-- import's key (re-importing updates in place); sha is the file's hash, so
-- that an unchanged file is skipped. Versions of one document share its
-- title; the newest is 现行有效, the older ones 已修改, and a title that a
-- newer document in force abolishes (《…》同时废止) 已废止 (recomputed by the
-- import). The text is kept whole; articles are cut from it when a page
-- shows it (internal/laws ParseBody), and its pieces are in search_docs
-- (kind 'law', grp = the law's id).
CREATE TABLE laws (
    id {{id}},
    path TEXT NOT NULL UNIQUE,
    sha TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    level TEXT NOT NULL,
    province TEXT NOT NULL DEFAULT '',
    version_date TEXT NOT NULL DEFAULT '',
    adopted_on TEXT NOT NULL DEFAULT '',
    effective_on TEXT NOT NULL DEFAULT '',
    year INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('现行有效', '已修改', '已废止')),
    history TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    articles INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL
);
-- Browsing: newest first, paged by (version_date, id), with or without a
-- kind; versions of a title.
CREATE INDEX laws_recent ON laws(version_date DESC, id DESC);
CREATE INDEX laws_kind_recent ON laws(kind, version_date DESC, id DESC);
CREATE INDEX laws_title ON laws(title, version_date DESC);

-- Tax types of the tax laws (增值税, 个人所得税, 征收管理, 发票 …).
CREATE TABLE law_tax_tags (
    tag TEXT NOT NULL,
    law_id BIGINT NOT NULL REFERENCES laws(id),
    PRIMARY KEY (tag, law_id)
);

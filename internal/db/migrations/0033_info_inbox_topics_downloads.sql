-- In-site messages to staff (工作人员站内信): the overdue-column reminders of
-- the sites (cms) and, later, other notes for a tax official. One row per
-- recipient, so the read state is on the row. org_id is the recipient's
-- bureau at sending (the hot-table rule for staff-side tables). dedupe_key
-- makes a retried job or two nodes sending the same reminder one message:
-- UNIQUE (staff_id, dedupe_key), inserted ON CONFLICT DO NOTHING.
CREATE TABLE staff_messages (
    id {{id}},
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL CHECK (kind IN ('reminder', 'notice')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    dedupe_key TEXT,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (staff_id, dedupe_key)
);
-- The inbox: a staff member's messages, newest first, paged by id.
CREATE INDEX staff_messages_inbox ON staff_messages(staff_id, id DESC);
-- The unread badge on every staff page reads only unread rows.
CREATE INDEX staff_messages_unread ON staff_messages(staff_id, id DESC) WHERE read_at IS NULL;

-- Special topics (专题) of a site: articles gathered across columns by
-- the content staff, in the order they set. A topic is public once it has
-- a published article; the list shows every site's topics by sort.
CREATE TABLE cms_topics (
    id {{id}},
    site_org_id BIGINT NOT NULL REFERENCES orgs(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    sort INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES staff(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (site_org_id, code)
);
CREATE INDEX cms_topics_site ON cms_topics(site_org_id, sort, id);
CREATE TABLE cms_topic_articles (
    topic_id BIGINT NOT NULL REFERENCES cms_topics(id),
    article_id BIGINT NOT NULL REFERENCES cms_articles(id),
    sort INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (topic_id, article_id)
);
CREATE INDEX cms_topic_articles_order ON cms_topic_articles(topic_id, sort, article_id);

-- Downloads (表格和软件下载): forms and software of a site, each with its
-- versions; the file of a version is an upload (owner 'download_version',
-- public). The newest version (highest id) is offered first. One version
-- name per item (UNIQUE).
CREATE TABLE downloads (
    id {{id}},
    site_org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL CHECK (kind IN ('form', 'software')),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    sort INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX downloads_list ON downloads(kind, sort, id);
CREATE TABLE download_versions (
    id {{id}},
    download_id BIGINT NOT NULL REFERENCES downloads(id),
    version TEXT NOT NULL,
    upload_id BIGINT NOT NULL REFERENCES uploads(id),
    notes TEXT NOT NULL DEFAULT '',
    released_on TEXT NOT NULL,
    created_by BIGINT REFERENCES staff(id),
    created_at TEXT NOT NULL,
    UNIQUE (download_id, version)
);
CREATE INDEX download_versions_item ON download_versions(download_id, id DESC);

-- Policy notices (政策推送): an article of a policy column carries the tax
-- types it concerns (tax_tags, comma-separated codes such as
-- 'vat_small,cit'); publishing it notifies the taxpayers identified for
-- them, by paged jobs (cms.policy) over tax_identifications_type.
ALTER TABLE cms_articles ADD COLUMN tax_tags TEXT NOT NULL DEFAULT '';
ALTER TABLE cms_columns ADD COLUMN policy INTEGER NOT NULL DEFAULT 0;
UPDATE cms_columns SET policy = 1 WHERE code = 'policy' OR code LIKE 'policy-%';

-- Content management (信息公开栏目与文章): a column tree per bureau site
-- (the province's central site and each city's sub-site: site_org_id is the
-- bureau), articles that go draft → review → published (now or at a
-- scheduled time) → archived, every version and every step kept.
--
-- A column has a maintaining department and an update period; its
-- freshness is last_published_at, set when an article of it is published.
CREATE TABLE cms_columns (
    id {{id}},
    site_org_id BIGINT NOT NULL REFERENCES orgs(id),
    parent_id BIGINT REFERENCES cms_columns(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    dept TEXT NOT NULL DEFAULT '',
    period_days INTEGER NOT NULL CHECK (period_days > 0),
    sort INTEGER NOT NULL DEFAULT 0,
    last_published_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (site_org_id, code)
);
CREATE INDEX cms_columns_tree ON cms_columns(site_org_id, parent_id, sort);

-- The state machine is enforced by each transition's
-- UPDATE … WHERE state IN (…) RETURNING; the CHECK names the states.
-- version is the article's current version (cms_versions). publish_at is
-- the scheduled time of a 'scheduled' article, published_at when it went
-- public.
CREATE TABLE cms_articles (
    id {{id}},
    column_id BIGINT NOT NULL REFERENCES cms_columns(id),
    site_org_id BIGINT NOT NULL REFERENCES orgs(id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'review', 'returned', 'scheduled', 'published', 'archived')),
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body_html TEXT NOT NULL,
    author_staff_id BIGINT NOT NULL REFERENCES staff(id),
    reviewer_staff_id BIGINT REFERENCES staff(id),
    version INTEGER NOT NULL DEFAULT 1,
    publish_at TEXT NOT NULL DEFAULT '',
    published_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- A column's public list: newest first, paged by (published_at, id).
CREATE INDEX cms_articles_column ON cms_articles(column_id, state, published_at DESC, id DESC);
-- The staff queues (review, my drafts) and the scheduler.
CREATE INDEX cms_articles_site_state ON cms_articles(site_org_id, state, updated_at DESC);
CREATE INDEX cms_articles_due ON cms_articles(state, publish_at);
-- A site's newest published articles (the site home).
CREATE INDEX cms_articles_site_pub ON cms_articles(site_org_id, state, published_at DESC, id DESC);

-- Every version of an article's text, never changed after it is written.
CREATE TABLE cms_versions (
    article_id BIGINT NOT NULL REFERENCES cms_articles(id),
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body_html TEXT NOT NULL,
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- Every step of an article: create, edit, submit, return (with the
-- reviewer's comment), approve, schedule, publish, archive.
CREATE TABLE cms_events (
    id {{id}},
    article_id BIGINT NOT NULL REFERENCES cms_articles(id),
    action TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state TEXT NOT NULL,
    staff_id BIGINT REFERENCES staff(id),
    comment TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX cms_events_article ON cms_events(article_id, id);

-- Reminders of overdue columns. Staff have no inbox yet (in-site messages
-- go to taxpayers), so a reminder is a row here, shown to the column's
-- maintainers (level 1: the site's content editors) and, after the grace
-- period, to their supervisors (level 2: the site's content reviewers and
-- administrators) on the CMS overview. UNIQUE: one reminder per column,
-- level and overdue spell, however often the check runs.
CREATE TABLE cms_reminders (
    id {{id}},
    column_id BIGINT NOT NULL REFERENCES cms_columns(id),
    site_org_id BIGINT NOT NULL REFERENCES orgs(id),
    level INTEGER NOT NULL CHECK (level IN (1, 2)),
    due_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (column_id, level, due_on)
);
CREATE INDEX cms_reminders_site ON cms_reminders(site_org_id, id DESC);

-- Public lists (公开名单) are queries of the live register, never typed
-- in: deregistered, suspended and abnormal (非正常户) taxpayers by their
-- status, newest first by id.
CREATE INDEX taxpayers_status_list ON taxpayers(status, id DESC);

-- Why and when a clerk set or lifted 非正常户 (and, later, other status
-- changes): the list shows the date, the record page the reason.
CREATE TABLE taxpayer_status_changes (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT NOT NULL,
    staff_id BIGINT REFERENCES staff(id),
    at TEXT NOT NULL
);
CREATE INDEX taxpayer_status_changes_tp ON taxpayer_status_changes(taxpayer_id, id DESC);

-- Fixed quotas (定额) of individual businesses under 定期定额 collection,
-- set by a clerk for a period of months: monthly sales and monthly tax in
-- fen. One quota per taxpayer and first month (UNIQUE); overlapping
-- periods are refused in a serializable transaction.
CREATE TABLE business_quotas (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    month_from TEXT NOT NULL,
    month_to TEXT NOT NULL,
    sales_fen BIGINT NOT NULL CHECK (sales_fen >= 0),
    tax_fen BIGINT NOT NULL CHECK (tax_fen >= 0),
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL,
    CHECK (month_to >= month_from),
    UNIQUE (taxpayer_id, month_from)
);
-- The public quota list: newest period first, paged by (month_from, id).
CREATE INDEX business_quotas_list ON business_quotas(month_from DESC, id DESC);

-- Visit statistics, counted in memory and flushed every few seconds as
-- additions to one row per day, kind and object (INSERT … ON CONFLICT DO
-- UPDATE SET n = n + excluded.n), so that a page view never waits for a
-- write.
CREATE TABLE visit_counts (
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (day, kind, ref)
);
-- Searches: what people look for, and what finds nothing.
CREATE TABLE search_counts (
    day TEXT NOT NULL,
    scope TEXT NOT NULL,
    q TEXT NOT NULL,
    empty INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (day, scope, q, empty)
);

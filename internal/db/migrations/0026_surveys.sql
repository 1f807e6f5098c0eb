-- Surveys (网上调查): a bureau's questionnaire of single and multiple
-- choice, scale (1–5) and free-text items, either public (every taxpayer
-- user) or targeted at a group (the taxpayers of the bureau's subtree,
-- optionally only enterprises or only natural persons). Each person
-- answers once: UNIQUE (survey_id, respondent) decides, not a prior read.
CREATE TABLE surveys (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL CHECK (audience IN ('public', 'group')),
    taxpayer_kind TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX surveys_state ON surveys(state, id);
CREATE INDEX surveys_org ON surveys(org_id, id);

CREATE TABLE survey_items (
    id {{id}},
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'scale', 'text')),
    prompt TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '',
    UNIQUE (survey_id, position)
);

-- respondent is 'u:<taxpayer user id>'.
CREATE TABLE survey_responses (
    id {{id}},
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    respondent TEXT NOT NULL,
    taxpayer_id BIGINT REFERENCES taxpayers(id),
    created_at TEXT NOT NULL,
    UNIQUE (survey_id, respondent)
);

-- One row per chosen option (choice = option index from 0, or the scale
-- value 1–5) or per free-text answer (choice NULL, text).
CREATE TABLE survey_answers (
    id {{id}},
    response_id BIGINT NOT NULL REFERENCES survey_responses(id),
    item_id BIGINT NOT NULL REFERENCES survey_items(id),
    choice INTEGER,
    text TEXT NOT NULL DEFAULT ''
);
-- Results: counts per item and choice; the latest free texts of an item.
CREATE INDEX survey_answers_item ON survey_answers(item_id, choice, id);

-- Complaints about a workflow step (target_kind 'task', from the
-- application page) counted per clerk in the month's performance.
CREATE INDEX complaints_target ON complaints(target_kind, created_at, target_id);

-- Tokens of the SMS platform and the hotline system that post questions
-- into a bureau's 12366 queue (POST /api/v1/intake/questions). Their own
-- kind: not a user's session, good for nothing else; only the SHA-256 of
-- the token is kept; revoked_at ends one.
CREATE TABLE intake_tokens (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'hotline')),
    name TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL,
    revoked_at TEXT NOT NULL DEFAULT ''
);

-- The public Q&A list filtered by tax type, newest first.
CREATE INDEX public_qa_type ON public_qa(state, tax_type, id);

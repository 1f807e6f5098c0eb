-- The training centre (纳税人学堂): a bureau's scheduled sessions (in the
-- hall or live online, with a link) that taxpayer users register for, and
-- courseware by topic (files in uploads, public). A session never takes
-- more registrations than its capacity: registered is raised by a guarded
-- UPDATE (registered < capacity) and CHECKed; one registration per user
-- (UNIQUE). attended_at is set once when the user joins (attendance).
CREATE TABLE training_sessions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    starts_at TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    registered INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL,
    CHECK (registered >= 0 AND registered <= capacity)
);
CREATE INDEX training_sessions_start ON training_sessions(starts_at, id);

CREATE TABLE training_registrations (
    id {{id}},
    session_id BIGINT NOT NULL REFERENCES training_sessions(id),
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    user_id BIGINT NOT NULL REFERENCES taxpayer_users(id),
    created_at TEXT NOT NULL,
    attended_at TEXT NOT NULL DEFAULT '',
    UNIQUE (session_id, user_id)
);
CREATE INDEX training_registrations_user ON training_registrations(user_id, id);

-- Courseware by topic: the file is an upload (owner_kind 'courseware').
CREATE TABLE training_courseware (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    upload_id BIGINT,
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL
);
CREATE INDEX training_courseware_topic ON training_courseware(topic, id);

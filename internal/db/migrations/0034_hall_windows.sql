-- Window calling (叫号) and the hall's satisfaction figures. A clerk signs
-- in at one window of a hall (hall_windows: one clerk per window, one window
-- per clerk, by the primary key and a partial unique index) and calls the
-- next number. Every number waiting in the hall is a hall_tickets row: a
-- checked-in appointment (same queue number, same transaction as the
-- check-in) or a walk-in number taken at the hall. Calling is one guarded
-- UPDATE (state = 'waiting'), so two clerks on two nodes never call the same
-- number; a clerk holds at most one called number (partial unique index).
-- The wait (called − taken) and the service time are stored in seconds at
-- the moment they happen, so the monthly report is plain SUM/AVG on both
-- databases. A served appointment is rated once (rating IS NULL guard).
CREATE TABLE hall_windows (
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    window_no INTEGER NOT NULL CHECK (window_no BETWEEN 1 AND 99),
    clerk_id BIGINT REFERENCES staff(id),
    signed_in_at TEXT,
    PRIMARY KEY (hall_id, window_no)
);
CREATE UNIQUE INDEX hall_windows_clerk ON hall_windows(clerk_id) WHERE clerk_id IS NOT NULL;

CREATE TABLE hall_tickets (
    id {{id}},
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    day TEXT NOT NULL,                 -- YYYY-MM-DD, China time
    queue_no INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('appointment', 'walkin')),
    prio INTEGER NOT NULL,             -- 0 appointments first (预约优先), 1 walk-ins
    appointment_id BIGINT UNIQUE REFERENCES appointments(id),
    taxpayer_id BIGINT REFERENCES taxpayers(id),
    user_id BIGINT REFERENCES taxpayer_users(id),
    service_id BIGINT REFERENCES appt_services(id),
    state TEXT NOT NULL CHECK (state IN ('waiting', 'called', 'done', 'absent')),
    taken_at TEXT NOT NULL,
    taken_unix BIGINT NOT NULL,
    taken_by BIGINT REFERENCES staff(id),
    called_at TEXT,
    window_no INTEGER,
    clerk_id BIGINT REFERENCES staff(id),
    wait_s BIGINT CHECK (wait_s >= 0),
    finished_at TEXT,
    service_s BIGINT CHECK (service_s >= 0),
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT NOT NULL DEFAULT '',
    rated_at TEXT,
    UNIQUE (hall_id, day, queue_no)
);
-- The next number to call: the hall's waiting numbers of the day in order.
CREATE INDEX hall_tickets_next ON hall_tickets(hall_id, day, state, prio, taken_unix, id);
-- One called number per clerk at a time.
CREATE UNIQUE INDEX hall_tickets_clerk_called ON hall_tickets(clerk_id) WHERE state = 'called';
-- The monthly report of a hall (by window, by clerk).
CREATE INDEX hall_tickets_month ON hall_tickets(hall_id, state, day);

-- The administrator's list of a bureau's intake tokens (to revoke one).
CREATE INDEX intake_tokens_org ON intake_tokens(org_id, id);

-- A training session's registrants for the staff, keyset-paged by id.
CREATE INDEX training_registrations_session ON training_registrations(session_id, id);

-- The annual reconciliation reminders page over active natural persons.
CREATE INDEX taxpayers_kind_status_id ON taxpayers(kind, status, id);

-- Appointments (服务预约): a taxpayer user books a time slot of a service at
-- a bureau's service hall. No slot is ever over-booked, even with several
-- nodes: appt_slots.booked is raised by one guarded UPDATE
-- (booked < capacity) and the CHECK repeats the rule; a person holds at
-- most one live booking of a slot (partial unique index). Queue numbers at
-- check-in come from one counter row per hall and day (upsert), and are
-- unique per hall and day by index.

CREATE TABLE halls (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    windows INTEGER NOT NULL DEFAULT 3 CHECK (windows BETWEEN 1 AND 99),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX halls_org ON halls(org_id);

CREATE TABLE appt_services (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    about TEXT NOT NULL DEFAULT '',
    needs_item INTEGER NOT NULL DEFAULT 0 -- a hall visit names the item (办理事项)
);
INSERT INTO appt_services (code, name, about, needs_item) VALUES
    ('invoice', '发票领用', '到厅领取纸质发票或税控设备', 0),
    ('tutoring', '办税辅导', '税务人员一对一辅导网上申报、电子税务局操作', 0),
    ('visit', '到厅办理', '预约到办税服务厅办理指定事项，请写明办理事项', 1);

-- Which services a hall offers, at which window, how many people a slot.
CREATE TABLE hall_services (
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    service_id BIGINT NOT NULL REFERENCES appt_services(id),
    window_no INTEGER NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    PRIMARY KEY (hall_id, service_id)
);

CREATE TABLE appt_slots (
    id {{id}},
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    service_id BIGINT NOT NULL REFERENCES appt_services(id),
    window_no INTEGER NOT NULL,
    day TEXT NOT NULL,          -- YYYY-MM-DD, China time
    start_time TEXT NOT NULL,   -- HH:MM, China time
    end_time TEXT NOT NULL,
    starts_at TEXT NOT NULL,    -- the start as a stored timestamp (UTC), for the cut-off
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    UNIQUE (hall_id, service_id, day, start_time)
);
CREATE INDEX appt_slots_day ON appt_slots(hall_id, service_id, day);

CREATE TABLE appointments (
    id {{id}},
    slot_id BIGINT NOT NULL REFERENCES appt_slots(id),
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    day TEXT NOT NULL,
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    user_id BIGINT NOT NULL REFERENCES taxpayer_users(id),
    item TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('booked', 'cancelled', 'checked_in', 'no_show')),
    queue_no INTEGER,
    checked_in_at TEXT,
    checked_in_by BIGINT REFERENCES staff(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- One live booking of a slot per person.
CREATE UNIQUE INDEX appointments_person_slot ON appointments(user_id, slot_id) WHERE state <> 'cancelled';
-- Queue numbers are unique per hall and day.
CREATE UNIQUE INDEX appointments_queue ON appointments(hall_id, day, queue_no) WHERE queue_no IS NOT NULL;
-- The staff's day list and the day-before reminders.
CREATE INDEX appointments_hall_day ON appointments(hall_id, day, state);
CREATE INDEX appointments_day ON appointments(day, state);
-- A user's own list (newest first) and the no-show count.
CREATE INDEX appointments_user ON appointments(user_id, id);
CREATE INDEX appointments_user_noshow ON appointments(user_id, state, day);

CREATE TABLE hall_queue_counters (
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    day TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (hall_id, day)
);

-- The editable filing calendar (征期日历). The State Council's holiday
-- notices 2007–2027 are embedded in the binary (internal/calendar); these
-- tables hold what administrators of the provincial bureau enter on top:
-- next year's notice when it arrives (November/December) and corrections,
-- and the official monthly filing deadlines the State Taxation
-- Administration publishes, which win over the computed ones.

-- A day that differs from the normal week: 'rest' (放假) or 'work'
-- (调休上班). A row replaces the embedded entry of the same date.
CREATE TABLE calendar_days (
    date TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('rest', 'work')),
    name TEXT NOT NULL,
    entered_by BIGINT NOT NULL REFERENCES staff(id),
    entered_at TEXT NOT NULL
);

-- The official last day of the monthly and quarterly returns filed in a
-- month, with the document that published it.
CREATE TABLE filing_deadlines (
    year INTEGER NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    deadline TEXT NOT NULL,
    source TEXT NOT NULL,
    entered_by BIGINT NOT NULL REFERENCES staff(id),
    entered_at TEXT NOT NULL,
    PRIMARY KEY (year, month)
);

-- One row, bumped in the same transaction as every edit of the two tables
-- above: each node of the hall compares it with the version it has cached
-- (at most every 30 seconds) instead of reloading the calendar.
CREATE TABLE calendar_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO calendar_version (id, version) VALUES (1, 0);

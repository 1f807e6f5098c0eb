-- The employee roster (花名册) of each employer, for the withholding return
-- on wages (个人所得税扣缴申报, internal/iitw). One row per person and
-- employer: the resident ID is unique within the taxpayer. hired_on counts
-- the months of employment that the cumulative method's basic deduction
-- multiplies (国家税务总局公告2018年第61号); left_on is NULL while employed.
-- Dates are TEXT YYYY-MM-DD, so they compare as dates on both databases.
CREATE TABLE employees (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    resident_id TEXT NOT NULL,
    name TEXT NOT NULL,
    hired_on TEXT NOT NULL,
    left_on TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (taxpayer_id, resident_id),
    CHECK (left_on IS NULL OR left_on >= hired_on)
);
-- The roster pages by id within a taxpayer (keyset).
CREATE INDEX employees_taxpayer ON employees(taxpayer_id, id);

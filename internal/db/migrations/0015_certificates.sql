-- Certificates (税收完税证明, 个人所得税纳税记录): an immutable register.
-- The PDF is not stored: it is rendered again from the row, byte for byte
-- the same each time. cert_no is the bureau's division code, the year and a
-- per-bureau sequence (certificate_counters, one atomic upsert per issue);
-- verify_code is random (60 bits), compared in constant time on the
-- public verification page. idem_key makes a double click one certificate.
CREATE TABLE certificates (
    id {{id}},
    cert_no TEXT NOT NULL UNIQUE,
    verify_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('tax_paid', 'iit_record')),
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    taxpayer_code TEXT NOT NULL,
    taxpayer_name TEXT NOT NULL,
    taxpayer_kind TEXT NOT NULL,
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    bureau_name TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    lines TEXT NOT NULL,
    total BIGINT NOT NULL,
    idem_key TEXT NOT NULL,
    issued_by BIGINT NOT NULL,
    issued_at TEXT NOT NULL,
    UNIQUE (taxpayer_id, idem_key)
);
-- A taxpayer's certificates, newest first, paged by id.
CREATE INDEX certificates_taxpayer ON certificates(taxpayer_id, id);

CREATE TABLE certificate_counters (
    bureau_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (bureau_id, year)
);

-- Tax sources (税源): the buildings (房产) and land parcels (土地) a taxpayer
-- registers once; each period's property tax and urban land use tax are
-- computed from them (internal/taxsource, forms.PropertyBehaviour), and a
-- declared base that disagrees with them is refused. Amounts in fen, areas
-- in hundredths of a square metre, dates TEXT YYYY-MM-DD (they compare as
-- dates on both databases). to_date is NULL while the source is held; it is
-- set once, by an UPDATE … WHERE to_date IS NULL.
CREATE TABLE tax_buildings (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    name TEXT NOT NULL,
    division_code TEXT NOT NULL,
    original_value_fen BIGINT NOT NULL CHECK (original_value_fen > 0),
    area_centi BIGINT NOT NULL CHECK (area_centi > 0),
    usage TEXT NOT NULL,
    rented INTEGER NOT NULL DEFAULT 0 CHECK (rented IN (0, 1)),
    annual_rent_fen BIGINT NOT NULL DEFAULT 0,
    residential INTEGER NOT NULL DEFAULT 0 CHECK (residential IN (0, 1)),
    from_date TEXT NOT NULL,
    to_date TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (to_date IS NULL OR to_date >= from_date),
    -- Rent only on a let building, and a let building has rent.
    CHECK ((rented = 1 AND annual_rent_fen > 0) OR (rented = 0 AND annual_rent_fen = 0))
);
-- The list pages by id within a taxpayer (keyset); the loader reads a
-- taxpayer's sources through the same index.
CREATE INDEX tax_buildings_taxpayer ON tax_buildings(taxpayer_id, id);
-- A building held is registered once: a repeated form cannot double its tax.
CREATE UNIQUE INDEX tax_buildings_held ON tax_buildings(taxpayer_id, name) WHERE to_date IS NULL;

CREATE TABLE tax_parcels (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    name TEXT NOT NULL,
    division_code TEXT NOT NULL,
    area_centi BIGINT NOT NULL CHECK (area_centi > 0),
    -- city: a key of rules.LandGrades; grade: one of its grade codes.
    city TEXT NOT NULL,
    grade TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX tax_parcels_taxpayer ON tax_parcels(taxpayer_id, id);
CREATE UNIQUE INDEX tax_parcels_held ON tax_parcels(taxpayer_id, name) WHERE to_date IS NULL;

-- The clerks' not-filed list walks each bureau's active taxpayers in id
-- order (keyset), instead of every identification of the province.
CREATE INDEX taxpayers_bureau_active_id ON taxpayers(bureau_id, status, id);

-- Identification of a new taxpayer is finished by a clerk, not by its first
-- identification: a new enterprise needs about seven, and it stays in the
-- 新办待认定 (pending) to-do list until a clerk marks the set complete
-- (taxpayer.Service.CompleteIdentification, an UPDATE … WHERE status =
-- 'pending'). These columns say when and by whom, so that the time a
-- taxpayer waited can be measured; both stay empty for taxpayers that were
-- activated before this migration or by the demo seed.
ALTER TABLE taxpayers ADD COLUMN identified_at TEXT NOT NULL DEFAULT '';
ALTER TABLE taxpayers ADD COLUMN identified_by BIGINT REFERENCES staff(id);

-- Recorded courses (往期回放): a manager attaches a playback URL (https, or
-- a path on this hall) to a session once it has ended; the public page lists
-- the recorded sessions newest first, by topic. views counts the plays
-- (raised by one atomic UPDATE per play).
ALTER TABLE training_sessions ADD COLUMN recording_url TEXT NOT NULL DEFAULT '';
ALTER TABLE training_sessions ADD COLUMN recording_title TEXT NOT NULL DEFAULT '';
ALTER TABLE training_sessions ADD COLUMN recording_views BIGINT NOT NULL DEFAULT 0;
CREATE INDEX training_sessions_recorded ON training_sessions(topic, starts_at, id) WHERE recording_url <> '';
CREATE INDEX training_sessions_recorded_all ON training_sessions(starts_at, id) WHERE recording_url <> '';

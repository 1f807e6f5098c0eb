-- The staff's taxpayer list pages by keyset (registered_at, id), newest
-- first, one bureau at a time (a subtree's bureaus are merged in the
-- query): each filter has an index that yields its rows in that order, so
-- a page reads about one page of index entries per bureau at any size.
-- taxpayers_bureau (bureau_id, status) is a prefix of the status index.
DROP INDEX taxpayers_bureau;
CREATE INDEX taxpayers_bureau_list ON taxpayers(bureau_id, registered_at, id);
CREATE INDEX taxpayers_bureau_status_list ON taxpayers(bureau_id, status, registered_at, id);
CREATE INDEX taxpayers_bureau_kind_list ON taxpayers(bureau_id, kind, registered_at, id);

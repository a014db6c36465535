-- A subtree's meetings of one status in a period (the reminder scan asks for
-- the province's PLANNED meetings of the past year: at 10× about 17 thousand
-- of 367 thousand) are read by this index, not filtered out of every meeting
-- of the period.
CREATE INDEX meetings_by_status_time ON meetings (status, starts_unix, id);

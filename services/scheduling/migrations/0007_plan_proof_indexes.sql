-- A cell's meetings are read in (starts_unix, id) order by the fold, the
-- lists and the overlap check. With the index in that order, PostgreSQL's
-- generic plan for those prepared statements (chosen after five runs, not
-- knowing the parameters) takes it; with (cell_id, starts_unix) only, it
-- could take meetings_by_time instead and filter every meeting of the span
-- by cell (measured: 0.03 ms → 0.4 ms per fold read on a small table; a
-- scan of the province's year at scale).
DROP INDEX meetings_by_cell_time;
CREATE INDEX meetings_by_cell_time ON meetings (cell_id, starts_unix, id);
-- The reviews a meeting made of earlier tasks (LoadMeeting, RecordMeeting)
-- are found by this index, not by reading every task of the province.
CREATE INDEX meeting_tasks_by_reviewer ON meeting_tasks (reviewed_in_meeting_id);

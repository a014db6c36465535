-- Each held meeting keeps its expected members' marks in one compact column,
-- "member:mark;" per member, written with the record (WriteRecord). The
-- fold (cell_facts.cc) reads the absence runs from the meetings rows alone,
-- with no join to meeting_attendance. NULL: recorded before this column; the
-- service fills those at start-up (FillMissingRollCalls) before it serves.
ALTER TABLE meetings ADD COLUMN roll_call TEXT;

-- The dates on which the tree changes after a day (kSelectTreeChangeDatesAfter,
-- read by every unit create and move) by index, not by a scan of every
-- parent period: creating the 24k units of a 10× province went quadratic.
CREATE INDEX org_unit_parents_by_valid_from ON org_unit_parents (valid_from);
CREATE INDEX org_unit_parents_by_valid_to ON org_unit_parents (valid_to);

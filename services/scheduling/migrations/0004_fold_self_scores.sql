-- The fold gains each meeting's self-grade points (cell_facts.h), which the
-- quality report counts. Rows in the old form are dropped; the service folds
-- every cell-year again at start-up (FoldUnfoldedCellYears) before it
-- serves, with new change stamps, so no cached report survives.
DELETE FROM cell_year_facts;

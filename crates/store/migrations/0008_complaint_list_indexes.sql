-- Indexes that let complaint lists stop after one page at a million rows.
--
-- Lists are newest first. Walking `received_at` backwards and checking the
-- organisation and state in the index entry (no visit to the wide complaint
-- row) finds a page of a branch's complaints in a few hundred entries; the
-- old index held `received_at` alone.
DROP INDEX complaints_received;
CREATE INDEX complaints_received_scope ON complaints (received_at, org_code, state);

-- Complaints still awaiting a decision, newest first, with the due date for
-- the overdue and at-risk filters. The condition is written exactly as the
-- list queries write it, so both databases can prove the index applies.
CREATE INDEX complaints_awaiting_received ON complaints (received_at, due_on, org_code)
    WHERE state IN ('registered', 'accepted', 'in_progress');

-- State and organisation together: "my branch's complaints in these states"
-- is answered from the index when few match, whichever of the two is the
-- more selective.
CREATE INDEX complaints_state_org ON complaints (state, org_code, received_at);

-- 走访到期日 — the date each active membership's next visit is due, kept by the app whenever what
-- it depends on changes (enrolment, risk level, a visit, the visiting rules), so that the member
-- list pages by due date, filters by 逾期 / 即将到期 and counts them in the database instead of
-- computing every member's state to show one page. '9999-12-31' when no rule applies; NULL until
-- the app has computed it (at start, for rows written before this migration).

ALTER TABLE special_group_members ADD COLUMN due_on TEXT;
CREATE INDEX special_group_members_due ON special_group_members (due_on, id)
    WHERE ended_at IS NULL;

-- The grid of each membership's person, kept with the person (a move between townships moves it),
-- so that the member list's scope, counts and coverage read this table alone.
ALTER TABLE special_group_members ADD COLUMN grid_code TEXT;
UPDATE special_group_members
    SET grid_code = (SELECT p.grid_code FROM persons p WHERE p.id = special_group_members.person_id);
CREATE INDEX special_group_members_grid
    ON special_group_members (grid_code, group_code, due_on) WHERE ended_at IS NULL;
CREATE TRIGGER persons_move_members AFTER UPDATE OF grid_code ON persons
WHEN OLD.grid_code IS NOT NEW.grid_code BEGIN
    UPDATE special_group_members SET grid_code = NEW.grid_code WHERE person_id = NEW.id;
END;

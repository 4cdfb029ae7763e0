-- 走访到期日 — the date each active membership's next visit is due, kept by the app whenever what
-- it depends on changes (enrolment, risk level, a visit, the visiting rules), so that the member
-- list pages by due date, filters by 逾期 / 即将到期 and counts them in the database instead of
-- computing every member's state to show one page. '9999-12-31' when no rule applies; NULL until
-- the app has computed it (at start, for rows written before this migration).

ALTER TABLE special_group_members ADD COLUMN due_on TEXT;
CREATE INDEX special_group_members_due ON special_group_members (due_on, id)
    WHERE ended_at IS NULL;

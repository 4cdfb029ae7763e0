-- 统计汇总: the kept totals of every case kind by org unit (each level: 区, 乡镇, 村, 网格), period
-- (day and month, Asia/Shanghai) and category — received by the day registered; concluded, late,
-- rated, satisfied and the minutes taken by the day concluded. Kept current by the triggers below
-- in the transaction that changes a case; `case_contributions` is what each case adds, from which
-- `pingan stats rebuild` recounts the table and the check compares it.

-- What a case is about, for the totals (an event's category, a dispute's type, a petition's class…).
ALTER TABLE cases ADD COLUMN category TEXT NOT NULL DEFAULT '';
-- When it was concluded (left the open states) and whether after its deadline (1) or not (0).
ALTER TABLE cases ADD COLUMN closed_at TEXT;
ALTER TABLE cases ADD COLUMN closed_late INTEGER;

UPDATE cases SET category = COALESCE(
    (SELECT category_code FROM events x WHERE x.case_id = cases.id),
    (SELECT dispute_type FROM disputes x WHERE x.case_id = cases.id),
    (SELECT class FROM petitions x WHERE x.case_id = cases.id),
    (SELECT source FROM clues x WHERE x.case_id = cases.id),
    (SELECT matter_type FROM risk_assessments x WHERE x.case_id = cases.id),
    '');
UPDATE cases SET closed_at = updated_at, closed_late = CASE WHEN alert = 'red' THEN 1 ELSE 0 END
 WHERE open = 0;

-- The code lengths of the levels a case counts at, and the periods kept (first `chars` of the day).
CREATE TABLE stat_levels (len INTEGER PRIMARY KEY);
INSERT INTO stat_levels (len) VALUES (6), (9), (12), (15);
CREATE TABLE stat_grains (grain TEXT PRIMARY KEY, chars INTEGER NOT NULL);
INSERT INTO stat_grains (grain, chars) VALUES ('d', 10), ('m', 7);

CREATE TABLE case_totals (
    kind      TEXT NOT NULL,
    unit      TEXT NOT NULL,
    -- 'd': period is YYYY-MM-DD; 'm': YYYY-MM.
    grain     TEXT NOT NULL,
    period    TEXT NOT NULL,
    category  TEXT NOT NULL,
    received  INTEGER NOT NULL,
    concluded INTEGER NOT NULL,
    late      INTEGER NOT NULL,
    rated     INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    minutes   INTEGER NOT NULL,
    PRIMARY KEY (kind, unit, grain, period, category)
) WITHOUT ROWID;

-- Every unit of a level in a span of periods (a dashboard's townships, villages or grids).
CREATE INDEX case_totals_period ON case_totals (kind, grain, period, unit);

CREATE VIEW case_contributions AS
SELECT c.id AS case_id, c.kind, substr(c.org_code, 1, l.len) AS unit, g.grain,
       substr(date(c.created_at, '+8 hours'), 1, g.chars) AS period, c.category,
       1 AS received, 0 AS concluded, 0 AS late, 0 AS rated, 0 AS satisfied, 0 AS minutes
  FROM cases c, stat_levels l, stat_grains g
 WHERE l.len <= length(c.org_code)
UNION ALL
SELECT c.id, c.kind, substr(c.org_code, 1, l.len), g.grain,
       substr(date(c.closed_at, '+8 hours'), 1, g.chars), c.category,
       0, 1, COALESCE(c.closed_late, 0), CASE WHEN c.rating IS NULL THEN 0 ELSE 1 END,
       CASE WHEN c.rating IN ('satisfied', 'fairly_satisfied') THEN 1 ELSE 0 END,
       (CAST(strftime('%s', c.closed_at) AS INTEGER) - CAST(strftime('%s', c.created_at) AS INTEGER)) / 60
  FROM cases c, stat_levels l, stat_grains g
 WHERE l.len <= length(c.org_code) AND c.closed_at IS NOT NULL;

CREATE TRIGGER case_totals_insert AFTER INSERT ON cases BEGIN
    INSERT INTO case_totals (kind, unit, grain, period, category, received, concluded, late, rated,
                             satisfied, minutes)
    SELECT kind, unit, grain, period, category, received, concluded, late, rated, satisfied, minutes
      FROM case_contributions WHERE case_id = NEW.id
    ON CONFLICT (kind, unit, grain, period, category) DO UPDATE SET
        received = case_totals.received + excluded.received,
        concluded = case_totals.concluded + excluded.concluded,
        late = case_totals.late + excluded.late, rated = case_totals.rated + excluded.rated,
        satisfied = case_totals.satisfied + excluded.satisfied,
        minutes = case_totals.minutes + excluded.minutes;
END;

-- A change that moves a case's contributions takes the old ones out before and puts the new ones
-- in after; other changes (its alert, its step) leave the totals alone.
CREATE TRIGGER case_totals_update_before
BEFORE UPDATE OF kind, org_code, category, created_at, closed_at, closed_late, rating ON cases
WHEN OLD.kind IS NOT NEW.kind OR OLD.org_code IS NOT NEW.org_code
  OR OLD.category IS NOT NEW.category OR OLD.created_at IS NOT NEW.created_at
  OR OLD.closed_at IS NOT NEW.closed_at OR OLD.closed_late IS NOT NEW.closed_late
  OR OLD.rating IS NOT NEW.rating
BEGIN
    INSERT INTO case_totals (kind, unit, grain, period, category, received, concluded, late, rated,
                             satisfied, minutes)
    SELECT kind, unit, grain, period, category, -received, -concluded, -late, -rated, -satisfied,
           -minutes
      FROM case_contributions WHERE case_id = OLD.id
    ON CONFLICT (kind, unit, grain, period, category) DO UPDATE SET
        received = case_totals.received + excluded.received,
        concluded = case_totals.concluded + excluded.concluded,
        late = case_totals.late + excluded.late, rated = case_totals.rated + excluded.rated,
        satisfied = case_totals.satisfied + excluded.satisfied,
        minutes = case_totals.minutes + excluded.minutes;
END;

CREATE TRIGGER case_totals_update_after
AFTER UPDATE OF kind, org_code, category, created_at, closed_at, closed_late, rating ON cases
WHEN OLD.kind IS NOT NEW.kind OR OLD.org_code IS NOT NEW.org_code
  OR OLD.category IS NOT NEW.category OR OLD.created_at IS NOT NEW.created_at
  OR OLD.closed_at IS NOT NEW.closed_at OR OLD.closed_late IS NOT NEW.closed_late
  OR OLD.rating IS NOT NEW.rating
BEGIN
    INSERT INTO case_totals (kind, unit, grain, period, category, received, concluded, late, rated,
                             satisfied, minutes)
    SELECT kind, unit, grain, period, category, received, concluded, late, rated, satisfied, minutes
      FROM case_contributions WHERE case_id = NEW.id
    ON CONFLICT (kind, unit, grain, period, category) DO UPDATE SET
        received = case_totals.received + excluded.received,
        concluded = case_totals.concluded + excluded.concluded,
        late = case_totals.late + excluded.late, rated = case_totals.rated + excluded.rated,
        satisfied = case_totals.satisfied + excluded.satisfied,
        minutes = case_totals.minutes + excluded.minutes;
END;

CREATE TRIGGER case_totals_delete BEFORE DELETE ON cases BEGIN
    INSERT INTO case_totals (kind, unit, grain, period, category, received, concluded, late, rated,
                             satisfied, minutes)
    SELECT kind, unit, grain, period, category, -received, -concluded, -late, -rated, -satisfied,
           -minutes
      FROM case_contributions WHERE case_id = OLD.id
    ON CONFLICT (kind, unit, grain, period, category) DO UPDATE SET
        received = case_totals.received + excluded.received,
        concluded = case_totals.concluded + excluded.concluded,
        late = case_totals.late + excluded.late, rated = case_totals.rated + excluded.rated,
        satisfied = case_totals.satisfied + excluded.satisfied,
        minutes = case_totals.minutes + excluded.minutes;
END;

INSERT INTO case_totals (kind, unit, grain, period, category, received, concluded, late, rated,
                         satisfied, minutes)
SELECT kind, unit, grain, period, category, SUM(received), SUM(concluded), SUM(late), SUM(rated),
       SUM(satisfied), SUM(minutes)
  FROM case_contributions GROUP BY kind, unit, grain, period, category;

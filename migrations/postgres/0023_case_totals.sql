-- 统计汇总: the kept totals of every case kind by org unit (each level: 区, 乡镇, 村, 网格), period
-- (day and month, Asia/Shanghai) and category — received by the day registered; concluded, late,
-- rated, satisfied and the minutes taken by the day concluded. Kept current by the triggers below
-- in the transaction that changes a case; `case_contributions` is what each case adds, from which
-- `pingan stats rebuild` recounts the table and the check compares it.

-- What a case is about, for the totals (an event's category, a dispute's type, a petition's class…).
ALTER TABLE cases ADD COLUMN category TEXT NOT NULL DEFAULT '';
-- When it was concluded (left the open states) and whether after its deadline (1) or not (0).
ALTER TABLE cases ADD COLUMN closed_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN closed_late INTEGER;

UPDATE cases SET category = COALESCE(
    (SELECT category_code FROM events x WHERE x.case_id = cases.id),
    (SELECT dispute_type FROM disputes x WHERE x.case_id = cases.id),
    (SELECT class FROM petitions x WHERE x.case_id = cases.id),
    (SELECT source FROM clues x WHERE x.case_id = cases.id),
    (SELECT matter_type FROM risk_assessments x WHERE x.case_id = cases.id),
    '');
UPDATE cases SET closed_at = updated_at, closed_late = CASE WHEN alert = 'red' THEN 1 ELSE 0 END
 WHERE NOT open;

-- The code lengths of the levels a case counts at, and the periods kept (first `chars` of the day).
CREATE TABLE stat_levels (len INTEGER PRIMARY KEY);
INSERT INTO stat_levels (len) VALUES (6), (9), (12), (15);
CREATE TABLE stat_grains (grain TEXT PRIMARY KEY, chars INTEGER NOT NULL);
INSERT INTO stat_grains (grain, chars) VALUES ('d', 10), ('m', 7);
-- Known to hold 4 and 2 rows: unanalysed, the planner guesses 1,270 each, thinks a case's
-- contributions cost a million rows and compiles them with JIT (500 ms on every insert).
ANALYZE stat_levels;
ANALYZE stat_grains;

CREATE TABLE case_totals (
    kind      TEXT NOT NULL,
    unit      TEXT NOT NULL,
    -- 'd': period is YYYY-MM-DD; 'm': YYYY-MM.
    grain     TEXT NOT NULL,
    period    TEXT NOT NULL,
    category  TEXT NOT NULL,
    received  BIGINT NOT NULL,
    concluded BIGINT NOT NULL,
    late      BIGINT NOT NULL,
    rated     BIGINT NOT NULL,
    satisfied BIGINT NOT NULL,
    minutes   BIGINT NOT NULL,
    PRIMARY KEY (kind, unit, grain, period, category)
);

-- Every unit of a level in a span of periods (a dashboard's townships, villages or grids).
CREATE INDEX case_totals_period ON case_totals (kind, grain, period, unit);

CREATE VIEW case_contributions AS
SELECT c.id AS case_id, c.kind, substr(c.org_code, 1, l.len) AS unit, g.grain,
       substr(to_char(c.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 1, g.chars) AS period,
       c.category, 1::bigint AS received, 0::bigint AS concluded, 0::bigint AS late,
       0::bigint AS rated, 0::bigint AS satisfied, 0::bigint AS minutes
  FROM cases c, stat_levels l, stat_grains g
 WHERE l.len <= length(c.org_code)
UNION ALL
SELECT c.id, c.kind, substr(c.org_code, 1, l.len), g.grain,
       substr(to_char(c.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 1, g.chars),
       c.category, 0, 1, COALESCE(c.closed_late, 0),
       CASE WHEN c.rating IS NULL THEN 0 ELSE 1 END,
       CASE WHEN c.rating IN ('satisfied', 'fairly_satisfied') THEN 1 ELSE 0 END,
       (EXTRACT(EPOCH FROM date_trunc('second', c.closed_at))::bigint
        - EXTRACT(EPOCH FROM date_trunc('second', c.created_at))::bigint) / 60
  FROM cases c, stat_levels l, stat_grains g
 WHERE l.len <= length(c.org_code) AND c.closed_at IS NOT NULL;

-- Adds what the case row `c` contributes to the totals, each figure multiplied by `p_sign` (1 or
-- -1): the view's rows for one case, computed from the row itself (the triggers' OLD or NEW, so
-- no re-read of `cases`). PL/pgSQL keeps the statement's plan from call to call (a SQL function
-- is planned afresh at each trigger call); a few rows each time are never worth JIT.
CREATE FUNCTION case_totals_apply(c cases, p_sign BIGINT) RETURNS void LANGUAGE plpgsql
SET jit = off AS $$
BEGIN
    INSERT INTO case_totals (kind, unit, grain, period, category, received, concluded, late, rated,
                             satisfied, minutes)
    SELECT x.kind, x.unit, x.grain, x.period, x.category, SUM(x.received) * p_sign,
           SUM(x.concluded) * p_sign, SUM(x.late) * p_sign, SUM(x.rated) * p_sign,
           SUM(x.satisfied) * p_sign, SUM(x.minutes) * p_sign
      FROM (SELECT c.kind, substr(c.org_code, 1, l.len) AS unit, g.grain,
                   substr(to_char(c.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 1,
                          g.chars) AS period,
                   c.category, 1::bigint AS received, 0::bigint AS concluded, 0::bigint AS late,
                   0::bigint AS rated, 0::bigint AS satisfied, 0::bigint AS minutes
              FROM stat_levels l, stat_grains g
             WHERE l.len <= length(c.org_code)
            UNION ALL
            SELECT c.kind, substr(c.org_code, 1, l.len), g.grain,
                   substr(to_char(c.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 1,
                          g.chars),
                   c.category, 0, 1, COALESCE(c.closed_late, 0),
                   CASE WHEN c.rating IS NULL THEN 0 ELSE 1 END,
                   CASE WHEN c.rating IN ('satisfied', 'fairly_satisfied') THEN 1 ELSE 0 END,
                   (EXTRACT(EPOCH FROM date_trunc('second', c.closed_at))::bigint
                    - EXTRACT(EPOCH FROM date_trunc('second', c.created_at))::bigint) / 60
              FROM stat_levels l, stat_grains g
             WHERE l.len <= length(c.org_code) AND c.closed_at IS NOT NULL) x
     GROUP BY x.kind, x.unit, x.grain, x.period, x.category
    ON CONFLICT (kind, unit, grain, period, category) DO UPDATE SET
        received = case_totals.received + EXCLUDED.received,
        concluded = case_totals.concluded + EXCLUDED.concluded,
        late = case_totals.late + EXCLUDED.late, rated = case_totals.rated + EXCLUDED.rated,
        satisfied = case_totals.satisfied + EXCLUDED.satisfied,
        minutes = case_totals.minutes + EXCLUDED.minutes;
END $$;

CREATE FUNCTION case_totals_take_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM case_totals_apply(OLD, -1);
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION case_totals_put_in() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM case_totals_apply(NEW, 1);
    RETURN NULL;
END $$;

CREATE TRIGGER case_totals_insert AFTER INSERT ON cases
    FOR EACH ROW EXECUTE FUNCTION case_totals_put_in();

-- A change that moves a case's contributions takes the old ones out and puts the new ones in;
-- other changes (its alert, its step) leave the totals alone.
CREATE TRIGGER case_totals_update_before
    BEFORE UPDATE OF kind, org_code, category, created_at, closed_at, closed_late, rating ON cases
    FOR EACH ROW
    WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.org_code IS DISTINCT FROM NEW.org_code
          OR OLD.category IS DISTINCT FROM NEW.category
          OR OLD.created_at IS DISTINCT FROM NEW.created_at
          OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
          OR OLD.closed_late IS DISTINCT FROM NEW.closed_late
          OR OLD.rating IS DISTINCT FROM NEW.rating)
    EXECUTE FUNCTION case_totals_take_out();

CREATE TRIGGER case_totals_update_after
    AFTER UPDATE OF kind, org_code, category, created_at, closed_at, closed_late, rating ON cases
    FOR EACH ROW
    WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.org_code IS DISTINCT FROM NEW.org_code
          OR OLD.category IS DISTINCT FROM NEW.category
          OR OLD.created_at IS DISTINCT FROM NEW.created_at
          OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
          OR OLD.closed_late IS DISTINCT FROM NEW.closed_late
          OR OLD.rating IS DISTINCT FROM NEW.rating)
    EXECUTE FUNCTION case_totals_put_in();

CREATE TRIGGER case_totals_delete BEFORE DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION case_totals_take_out();

INSERT INTO case_totals (kind, unit, grain, period, category, received, concluded, late, rated,
                         satisfied, minutes)
SELECT kind, unit, grain, period, category, SUM(received), SUM(concluded), SUM(late), SUM(rated),
       SUM(satisfied), SUM(minutes)
  FROM case_contributions GROUP BY kind, unit, grain, period, category;

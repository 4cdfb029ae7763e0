-- 调解统计汇总: the mediation figures kept by unit (区 and 乡镇 levels), period (day and month,
-- Asia/Shanghai) and one breakdown at a time — a dispute counts once under its type ('t'), its
-- source ('s'), its township ('w') and its lead organisation ('o', '' before assignment), so that a
-- span of years reads a few thousand kept rows instead of every dispute. Received and 道交 litigated
-- by the day registered; succeeded, failed, the agreed amount and what a success prevented by the day
-- mediation ended. Kept by the triggers below in the transaction that changes a dispute;
-- `dispute_contributions` is what each dispute adds, from which `pingan stats rebuild` recounts the
-- table and `pingan stats check` compares it. Villages and grids are counted from the disputes.

CREATE TABLE dispute_dims (dim TEXT PRIMARY KEY);
INSERT INTO dispute_dims (dim) VALUES ('t'), ('s'), ('w'), ('o');

CREATE TABLE dispute_totals (
    unit               TEXT NOT NULL,
    grain              TEXT NOT NULL,
    period             TEXT NOT NULL,
    dim                TEXT NOT NULL,
    key                TEXT NOT NULL,
    received           INTEGER NOT NULL,
    succeeded          INTEGER NOT NULL,
    failed             INTEGER NOT NULL,
    amount_fen         INTEGER NOT NULL,
    traffic_litigated  INTEGER NOT NULL,
    prevented_crime    INTEGER NOT NULL,
    prevented_petition INTEGER NOT NULL,
    PRIMARY KEY (unit, grain, period, dim, key)
) WITHOUT ROWID;

CREATE VIEW dispute_contributions AS
SELECT x.case_id, substr(x.org_code, 1, l.len) AS unit, g.grain,
       substr(date(x.created_at, '+8 hours'), 1, g.chars) AS period, d.dim,
       CASE d.dim WHEN 't' THEN x.dispute_type WHEN 's' THEN x.source
                  WHEN 'w' THEN substr(x.org_code, 1, 9)
                  ELSE COALESCE(CAST(x.department_id AS TEXT), '') END AS key,
       1 AS received, 0 AS succeeded, 0 AS failed, 0 AS amount_fen,
       CASE WHEN x.dispute_type = '13' AND x.litigated = 1 THEN 1 ELSE 0 END AS traffic_litigated,
       0 AS prevented_crime, 0 AS prevented_petition
  FROM disputes x, stat_levels l, stat_grains g, dispute_dims d
 WHERE l.len <= 9 AND l.len <= length(x.org_code)
UNION ALL
SELECT x.case_id, substr(x.org_code, 1, l.len), g.grain,
       substr(date(x.concluded_at, '+8 hours'), 1, g.chars), d.dim,
       CASE d.dim WHEN 't' THEN x.dispute_type WHEN 's' THEN x.source
                  WHEN 'w' THEN substr(x.org_code, 1, 9)
                  ELSE COALESCE(CAST(x.department_id AS TEXT), '') END,
       0, CASE WHEN x.succeeded = 1 THEN 1 ELSE 0 END, CASE WHEN x.succeeded = 0 THEN 1 ELSE 0 END,
       CASE WHEN x.succeeded = 1 THEN COALESCE(x.amount_fen, 0) ELSE 0 END, 0,
       CASE WHEN x.succeeded = 1 AND x.prevented_crime = 1 THEN 1 ELSE 0 END,
       CASE WHEN x.succeeded = 1 AND x.prevented_petition = 1 THEN 1 ELSE 0 END
  FROM disputes x, stat_levels l, stat_grains g, dispute_dims d
 WHERE l.len <= 9 AND l.len <= length(x.org_code) AND x.concluded_at IS NOT NULL;

CREATE TRIGGER dispute_totals_insert AFTER INSERT ON disputes BEGIN
    INSERT INTO dispute_totals (unit, grain, period, dim, key, received, succeeded, failed,
                                amount_fen, traffic_litigated, prevented_crime, prevented_petition)
    SELECT unit, grain, period, dim, key, received, succeeded, failed, amount_fen,
           traffic_litigated, prevented_crime, prevented_petition
      FROM dispute_contributions WHERE case_id = NEW.case_id
    ON CONFLICT (unit, grain, period, dim, key) DO UPDATE SET
        received = dispute_totals.received + excluded.received,
        succeeded = dispute_totals.succeeded + excluded.succeeded,
        failed = dispute_totals.failed + excluded.failed,
        amount_fen = dispute_totals.amount_fen + excluded.amount_fen,
        traffic_litigated = dispute_totals.traffic_litigated + excluded.traffic_litigated,
        prevented_crime = dispute_totals.prevented_crime + excluded.prevented_crime,
        prevented_petition = dispute_totals.prevented_petition + excluded.prevented_petition;
END;

-- A change that moves a dispute's contributions takes the old ones out before and puts the new
-- ones in after; other changes (its mediator, its agreement's text) leave the totals alone.
CREATE TRIGGER dispute_totals_update_before
BEFORE UPDATE OF org_code, department_id, created_at, dispute_type, source, amount_fen,
                 concluded_at, succeeded, litigated, prevented_crime, prevented_petition ON disputes
WHEN OLD.org_code IS NOT NEW.org_code OR OLD.department_id IS NOT NEW.department_id
  OR OLD.created_at IS NOT NEW.created_at OR OLD.dispute_type IS NOT NEW.dispute_type
  OR OLD.source IS NOT NEW.source OR OLD.amount_fen IS NOT NEW.amount_fen
  OR OLD.concluded_at IS NOT NEW.concluded_at OR OLD.succeeded IS NOT NEW.succeeded
  OR OLD.litigated IS NOT NEW.litigated OR OLD.prevented_crime IS NOT NEW.prevented_crime
  OR OLD.prevented_petition IS NOT NEW.prevented_petition
BEGIN
    INSERT INTO dispute_totals (unit, grain, period, dim, key, received, succeeded, failed,
                                amount_fen, traffic_litigated, prevented_crime, prevented_petition)
    SELECT unit, grain, period, dim, key, -received, -succeeded, -failed, -amount_fen,
           -traffic_litigated, -prevented_crime, -prevented_petition
      FROM dispute_contributions WHERE case_id = OLD.case_id
    ON CONFLICT (unit, grain, period, dim, key) DO UPDATE SET
        received = dispute_totals.received + excluded.received,
        succeeded = dispute_totals.succeeded + excluded.succeeded,
        failed = dispute_totals.failed + excluded.failed,
        amount_fen = dispute_totals.amount_fen + excluded.amount_fen,
        traffic_litigated = dispute_totals.traffic_litigated + excluded.traffic_litigated,
        prevented_crime = dispute_totals.prevented_crime + excluded.prevented_crime,
        prevented_petition = dispute_totals.prevented_petition + excluded.prevented_petition;
END;

CREATE TRIGGER dispute_totals_update_after
AFTER UPDATE OF org_code, department_id, created_at, dispute_type, source, amount_fen,
                concluded_at, succeeded, litigated, prevented_crime, prevented_petition ON disputes
WHEN OLD.org_code IS NOT NEW.org_code OR OLD.department_id IS NOT NEW.department_id
  OR OLD.created_at IS NOT NEW.created_at OR OLD.dispute_type IS NOT NEW.dispute_type
  OR OLD.source IS NOT NEW.source OR OLD.amount_fen IS NOT NEW.amount_fen
  OR OLD.concluded_at IS NOT NEW.concluded_at OR OLD.succeeded IS NOT NEW.succeeded
  OR OLD.litigated IS NOT NEW.litigated OR OLD.prevented_crime IS NOT NEW.prevented_crime
  OR OLD.prevented_petition IS NOT NEW.prevented_petition
BEGIN
    INSERT INTO dispute_totals (unit, grain, period, dim, key, received, succeeded, failed,
                                amount_fen, traffic_litigated, prevented_crime, prevented_petition)
    SELECT unit, grain, period, dim, key, received, succeeded, failed, amount_fen,
           traffic_litigated, prevented_crime, prevented_petition
      FROM dispute_contributions WHERE case_id = NEW.case_id
    ON CONFLICT (unit, grain, period, dim, key) DO UPDATE SET
        received = dispute_totals.received + excluded.received,
        succeeded = dispute_totals.succeeded + excluded.succeeded,
        failed = dispute_totals.failed + excluded.failed,
        amount_fen = dispute_totals.amount_fen + excluded.amount_fen,
        traffic_litigated = dispute_totals.traffic_litigated + excluded.traffic_litigated,
        prevented_crime = dispute_totals.prevented_crime + excluded.prevented_crime,
        prevented_petition = dispute_totals.prevented_petition + excluded.prevented_petition;
END;

CREATE TRIGGER dispute_totals_delete BEFORE DELETE ON disputes BEGIN
    INSERT INTO dispute_totals (unit, grain, period, dim, key, received, succeeded, failed,
                                amount_fen, traffic_litigated, prevented_crime, prevented_petition)
    SELECT unit, grain, period, dim, key, -received, -succeeded, -failed, -amount_fen,
           -traffic_litigated, -prevented_crime, -prevented_petition
      FROM dispute_contributions WHERE case_id = OLD.case_id
    ON CONFLICT (unit, grain, period, dim, key) DO UPDATE SET
        received = dispute_totals.received + excluded.received,
        succeeded = dispute_totals.succeeded + excluded.succeeded,
        failed = dispute_totals.failed + excluded.failed,
        amount_fen = dispute_totals.amount_fen + excluded.amount_fen,
        traffic_litigated = dispute_totals.traffic_litigated + excluded.traffic_litigated,
        prevented_crime = dispute_totals.prevented_crime + excluded.prevented_crime,
        prevented_petition = dispute_totals.prevented_petition + excluded.prevented_petition;
END;

INSERT INTO dispute_totals (unit, grain, period, dim, key, received, succeeded, failed, amount_fen,
                            traffic_litigated, prevented_crime, prevented_petition)
SELECT unit, grain, period, dim, key, SUM(received), SUM(succeeded), SUM(failed), SUM(amount_fen),
       SUM(traffic_litigated), SUM(prevented_crime), SUM(prevented_petition)
  FROM dispute_contributions GROUP BY unit, grain, period, dim, key;

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
ANALYZE dispute_dims;

CREATE TABLE dispute_totals (
    unit               TEXT NOT NULL,
    grain              TEXT NOT NULL,
    period             TEXT NOT NULL,
    dim                TEXT NOT NULL,
    key                TEXT NOT NULL,
    received           BIGINT NOT NULL,
    succeeded          BIGINT NOT NULL,
    failed             BIGINT NOT NULL,
    amount_fen         BIGINT NOT NULL,
    traffic_litigated  BIGINT NOT NULL,
    prevented_crime    BIGINT NOT NULL,
    prevented_petition BIGINT NOT NULL,
    PRIMARY KEY (unit, grain, period, dim, key)
);

CREATE VIEW dispute_contributions AS
SELECT x.case_id, substr(x.org_code, 1, l.len) AS unit, g.grain,
       substr(to_char(x.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 1, g.chars) AS period,
       d.dim,
       CASE d.dim WHEN 't' THEN x.dispute_type WHEN 's' THEN x.source
                  WHEN 'w' THEN substr(x.org_code, 1, 9)
                  ELSE COALESCE(x.department_id::text, '') END AS key,
       1::bigint AS received, 0::bigint AS succeeded, 0::bigint AS failed, 0::bigint AS amount_fen,
       CASE WHEN x.dispute_type = '13' AND x.litigated THEN 1 ELSE 0 END::bigint AS traffic_litigated,
       0::bigint AS prevented_crime, 0::bigint AS prevented_petition
  FROM disputes x, stat_levels l, stat_grains g, dispute_dims d
 WHERE l.len <= 9 AND l.len <= length(x.org_code)
UNION ALL
SELECT x.case_id, substr(x.org_code, 1, l.len), g.grain,
       substr(to_char(x.concluded_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 1, g.chars),
       d.dim,
       CASE d.dim WHEN 't' THEN x.dispute_type WHEN 's' THEN x.source
                  WHEN 'w' THEN substr(x.org_code, 1, 9)
                  ELSE COALESCE(x.department_id::text, '') END,
       0, CASE WHEN x.succeeded THEN 1 ELSE 0 END, CASE WHEN NOT x.succeeded THEN 1 ELSE 0 END,
       CASE WHEN x.succeeded THEN COALESCE(x.amount_fen, 0) ELSE 0 END, 0,
       CASE WHEN x.succeeded AND x.prevented_crime THEN 1 ELSE 0 END,
       CASE WHEN x.succeeded AND x.prevented_petition THEN 1 ELSE 0 END
  FROM disputes x, stat_levels l, stat_grains g, dispute_dims d
 WHERE l.len <= 9 AND l.len <= length(x.org_code) AND x.concluded_at IS NOT NULL;

-- Adds what the dispute row `x` contributes, each figure multiplied by `p_sign` (1 or -1): the
-- view's rows for one dispute, computed from the row itself (the trigger's OLD or NEW), as
-- `case_totals_apply` does for the cases.
CREATE FUNCTION dispute_totals_apply(x disputes, p_sign BIGINT) RETURNS void LANGUAGE plpgsql
SET jit = off AS $$
BEGIN
    INSERT INTO dispute_totals (unit, grain, period, dim, key, received, succeeded, failed,
                                amount_fen, traffic_litigated, prevented_crime, prevented_petition)
    SELECT c.unit, c.grain, c.period, c.dim, c.key, SUM(c.received) * p_sign,
           SUM(c.succeeded) * p_sign, SUM(c.failed) * p_sign, SUM(c.amount_fen) * p_sign,
           SUM(c.traffic_litigated) * p_sign, SUM(c.prevented_crime) * p_sign,
           SUM(c.prevented_petition) * p_sign
      FROM (SELECT substr(x.org_code, 1, l.len) AS unit, g.grain,
                   substr(to_char(x.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 1,
                          g.chars) AS period,
                   d.dim,
                   CASE d.dim WHEN 't' THEN x.dispute_type WHEN 's' THEN x.source
                              WHEN 'w' THEN substr(x.org_code, 1, 9)
                              ELSE COALESCE(x.department_id::text, '') END AS key,
                   1::bigint AS received, 0::bigint AS succeeded, 0::bigint AS failed,
                   0::bigint AS amount_fen,
                   CASE WHEN x.dispute_type = '13' AND x.litigated THEN 1 ELSE 0 END::bigint
                       AS traffic_litigated,
                   0::bigint AS prevented_crime, 0::bigint AS prevented_petition
              FROM stat_levels l, stat_grains g, dispute_dims d
             WHERE l.len <= 9 AND l.len <= length(x.org_code)
            UNION ALL
            SELECT substr(x.org_code, 1, l.len), g.grain,
                   substr(to_char(x.concluded_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), 1,
                          g.chars),
                   d.dim,
                   CASE d.dim WHEN 't' THEN x.dispute_type WHEN 's' THEN x.source
                              WHEN 'w' THEN substr(x.org_code, 1, 9)
                              ELSE COALESCE(x.department_id::text, '') END,
                   0, CASE WHEN x.succeeded THEN 1 ELSE 0 END,
                   CASE WHEN NOT x.succeeded THEN 1 ELSE 0 END,
                   CASE WHEN x.succeeded THEN COALESCE(x.amount_fen, 0) ELSE 0 END, 0,
                   CASE WHEN x.succeeded AND x.prevented_crime THEN 1 ELSE 0 END,
                   CASE WHEN x.succeeded AND x.prevented_petition THEN 1 ELSE 0 END
              FROM stat_levels l, stat_grains g, dispute_dims d
             WHERE l.len <= 9 AND l.len <= length(x.org_code) AND x.concluded_at IS NOT NULL) c
     GROUP BY c.unit, c.grain, c.period, c.dim, c.key
    ON CONFLICT (unit, grain, period, dim, key) DO UPDATE SET
        received = dispute_totals.received + EXCLUDED.received,
        succeeded = dispute_totals.succeeded + EXCLUDED.succeeded,
        failed = dispute_totals.failed + EXCLUDED.failed,
        amount_fen = dispute_totals.amount_fen + EXCLUDED.amount_fen,
        traffic_litigated = dispute_totals.traffic_litigated + EXCLUDED.traffic_litigated,
        prevented_crime = dispute_totals.prevented_crime + EXCLUDED.prevented_crime,
        prevented_petition = dispute_totals.prevented_petition + EXCLUDED.prevented_petition;
END $$;

CREATE FUNCTION dispute_totals_take_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dispute_totals_apply(OLD, -1);
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION dispute_totals_put_in() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dispute_totals_apply(NEW, 1);
    RETURN NULL;
END $$;

CREATE TRIGGER dispute_totals_insert AFTER INSERT ON disputes
    FOR EACH ROW EXECUTE FUNCTION dispute_totals_put_in();

-- A change that moves a dispute's contributions takes the old ones out and puts the new ones in;
-- other changes (its mediator, its agreement's text) leave the totals alone.
CREATE TRIGGER dispute_totals_update_before
    BEFORE UPDATE OF org_code, department_id, created_at, dispute_type, source, amount_fen,
                     concluded_at, succeeded, litigated, prevented_crime, prevented_petition
    ON disputes FOR EACH ROW
    WHEN (OLD.org_code IS DISTINCT FROM NEW.org_code
          OR OLD.department_id IS DISTINCT FROM NEW.department_id
          OR OLD.created_at IS DISTINCT FROM NEW.created_at
          OR OLD.dispute_type IS DISTINCT FROM NEW.dispute_type
          OR OLD.source IS DISTINCT FROM NEW.source
          OR OLD.amount_fen IS DISTINCT FROM NEW.amount_fen
          OR OLD.concluded_at IS DISTINCT FROM NEW.concluded_at
          OR OLD.succeeded IS DISTINCT FROM NEW.succeeded
          OR OLD.litigated IS DISTINCT FROM NEW.litigated
          OR OLD.prevented_crime IS DISTINCT FROM NEW.prevented_crime
          OR OLD.prevented_petition IS DISTINCT FROM NEW.prevented_petition)
    EXECUTE FUNCTION dispute_totals_take_out();

CREATE TRIGGER dispute_totals_update_after
    AFTER UPDATE OF org_code, department_id, created_at, dispute_type, source, amount_fen,
                    concluded_at, succeeded, litigated, prevented_crime, prevented_petition
    ON disputes FOR EACH ROW
    WHEN (OLD.org_code IS DISTINCT FROM NEW.org_code
          OR OLD.department_id IS DISTINCT FROM NEW.department_id
          OR OLD.created_at IS DISTINCT FROM NEW.created_at
          OR OLD.dispute_type IS DISTINCT FROM NEW.dispute_type
          OR OLD.source IS DISTINCT FROM NEW.source
          OR OLD.amount_fen IS DISTINCT FROM NEW.amount_fen
          OR OLD.concluded_at IS DISTINCT FROM NEW.concluded_at
          OR OLD.succeeded IS DISTINCT FROM NEW.succeeded
          OR OLD.litigated IS DISTINCT FROM NEW.litigated
          OR OLD.prevented_crime IS DISTINCT FROM NEW.prevented_crime
          OR OLD.prevented_petition IS DISTINCT FROM NEW.prevented_petition)
    EXECUTE FUNCTION dispute_totals_put_in();

CREATE TRIGGER dispute_totals_delete BEFORE DELETE ON disputes
    FOR EACH ROW EXECUTE FUNCTION dispute_totals_take_out();

INSERT INTO dispute_totals (unit, grain, period, dim, key, received, succeeded, failed, amount_fen,
                            traffic_litigated, prevented_crime, prevented_petition)
SELECT unit, grain, period, dim, key, SUM(received), SUM(succeeded), SUM(failed), SUM(amount_fen),
       SUM(traffic_litigated), SUM(prevented_crime), SUM(prevented_petition)
  FROM dispute_contributions GROUP BY unit, grain, period, dim, key;
ANALYZE dispute_totals;

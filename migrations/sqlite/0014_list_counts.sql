-- 列表总数 — the active persons, households and places of each grid (and the persons of each
-- 人员类型, kind `persons/<residence>`), kept by triggers in the transaction that changes them, so
-- that a list shows its total without counting 900,000 rows (a scope's total is the sum over its
-- grids: 453 rows for the district). A row that moves to another grid or ends moves its count with it.

CREATE TABLE registry_counts (
    kind      TEXT NOT NULL,
    grid_code TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (kind, grid_code)
) WITHOUT ROWID;

-- The persons of one 人员类型, walked in id order (the list's order).
CREATE INDEX persons_residence ON persons (residence, id) WHERE ended_at IS NULL;

INSERT INTO registry_counts (kind, grid_code, n)
    SELECT 'persons', grid_code, COUNT(*) FROM persons WHERE ended_at IS NULL GROUP BY grid_code;
INSERT INTO registry_counts (kind, grid_code, n)
    SELECT 'persons/' || residence, grid_code, COUNT(*) FROM persons WHERE ended_at IS NULL
    GROUP BY residence, grid_code;

CREATE TRIGGER persons_counted_in AFTER INSERT ON persons WHEN NEW.ended_at IS NULL BEGIN
    INSERT INTO registry_counts (kind, grid_code, n) VALUES ('persons', NEW.grid_code, 1)
        ON CONFLICT (kind, grid_code) DO UPDATE SET n = n + 1;
    INSERT INTO registry_counts (kind, grid_code, n) VALUES ('persons/' || NEW.residence, NEW.grid_code, 1)
        ON CONFLICT (kind, grid_code) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER persons_counted_moved AFTER UPDATE OF grid_code, ended_at, residence ON persons
WHEN OLD.grid_code IS NOT NEW.grid_code OR (OLD.ended_at IS NULL) <> (NEW.ended_at IS NULL)
    OR OLD.residence IS NOT NEW.residence BEGIN
    UPDATE registry_counts SET n = n - 1
        WHERE OLD.ended_at IS NULL AND kind = 'persons' AND grid_code = OLD.grid_code;
    UPDATE registry_counts SET n = n - 1
        WHERE OLD.ended_at IS NULL AND kind = 'persons/' || OLD.residence AND grid_code = OLD.grid_code;
    INSERT INTO registry_counts (kind, grid_code, n)
        SELECT 'persons', NEW.grid_code, 1 WHERE NEW.ended_at IS NULL
        ON CONFLICT (kind, grid_code) DO UPDATE SET n = n + 1;
    INSERT INTO registry_counts (kind, grid_code, n)
        SELECT 'persons/' || NEW.residence, NEW.grid_code, 1 WHERE NEW.ended_at IS NULL
        ON CONFLICT (kind, grid_code) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER persons_counted_out AFTER DELETE ON persons WHEN OLD.ended_at IS NULL BEGIN
    UPDATE registry_counts SET n = n - 1
        WHERE kind = 'persons' AND grid_code = OLD.grid_code;
    UPDATE registry_counts SET n = n - 1
        WHERE kind = 'persons/' || OLD.residence AND grid_code = OLD.grid_code;
END;

INSERT INTO registry_counts (kind, grid_code, n)
    SELECT 'households', grid_code, COUNT(*) FROM households WHERE ended_at IS NULL GROUP BY grid_code;

CREATE TRIGGER households_counted_in AFTER INSERT ON households WHEN NEW.ended_at IS NULL BEGIN
    INSERT INTO registry_counts (kind, grid_code, n) VALUES ('households', NEW.grid_code, 1)
        ON CONFLICT (kind, grid_code) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER households_counted_moved AFTER UPDATE OF grid_code, ended_at ON households
WHEN OLD.grid_code IS NOT NEW.grid_code OR (OLD.ended_at IS NULL) <> (NEW.ended_at IS NULL) BEGIN
    UPDATE registry_counts SET n = n - 1
        WHERE OLD.ended_at IS NULL AND kind = 'households' AND grid_code = OLD.grid_code;
    INSERT INTO registry_counts (kind, grid_code, n)
        SELECT 'households', NEW.grid_code, 1 WHERE NEW.ended_at IS NULL
        ON CONFLICT (kind, grid_code) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER households_counted_out AFTER DELETE ON households WHEN OLD.ended_at IS NULL BEGIN
    UPDATE registry_counts SET n = n - 1
        WHERE kind = 'households' AND grid_code = OLD.grid_code;
END;

INSERT INTO registry_counts (kind, grid_code, n)
    SELECT 'places', grid_code, COUNT(*) FROM places WHERE ended_at IS NULL GROUP BY grid_code;

CREATE TRIGGER places_counted_in AFTER INSERT ON places WHEN NEW.ended_at IS NULL BEGIN
    INSERT INTO registry_counts (kind, grid_code, n) VALUES ('places', NEW.grid_code, 1)
        ON CONFLICT (kind, grid_code) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER places_counted_moved AFTER UPDATE OF grid_code, ended_at ON places
WHEN OLD.grid_code IS NOT NEW.grid_code OR (OLD.ended_at IS NULL) <> (NEW.ended_at IS NULL) BEGIN
    UPDATE registry_counts SET n = n - 1
        WHERE OLD.ended_at IS NULL AND kind = 'places' AND grid_code = OLD.grid_code;
    INSERT INTO registry_counts (kind, grid_code, n)
        SELECT 'places', NEW.grid_code, 1 WHERE NEW.ended_at IS NULL
        ON CONFLICT (kind, grid_code) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER places_counted_out AFTER DELETE ON places WHEN OLD.ended_at IS NULL BEGIN
    UPDATE registry_counts SET n = n - 1
        WHERE kind = 'places' AND grid_code = OLD.grid_code;
END;

-- A payment the terminal reversed after an unknown outcome (Q1ET002C/D)
-- that the center nevertheless holds: it counts as 売上 and 取消 there,
-- so the report's 取引明細 lists it as both.
ALTER TABLE txns ADD COLUMN reversed INTEGER NOT NULL DEFAULT 0;

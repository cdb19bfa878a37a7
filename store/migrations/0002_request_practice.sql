-- Whether a journaled request ran in practice mode, so that recovery can
-- finish an interrupted practice 日計 as practice.
ALTER TABLE requests ADD COLUMN practice INTEGER NOT NULL DEFAULT 0;

-- What a request's outcome is filed under elsewhere: the merchantTotalsId
-- of a 日計, so that a 日計 whose answer was lost finds its close later.
ALTER TABLE requests ADD COLUMN ref TEXT NOT NULL DEFAULT '';

-- The tiers of the catalog in force, as the last start or reload recorded them: a write that puts a customer on a
-- tier (create, or a change of tier) checks it here, in its own transaction, holding the tier's row FOR SHARE until
-- it commits; a reload deletes the rows of the tiers it removes (which waits for those writes) and then refuses when
-- a stored customer is still on one of them. So the two serialize on every node, and no customer is ever stored on
-- a tier the catalog lacks. Empty until the first start of this version records its catalog (no check until then).
CREATE TABLE registry_tiers (
  name TEXT NOT NULL PRIMARY KEY
);

-- The tiers of the catalog in force, as the last start or reload recorded them: a write that puts a customer on a
-- tier (create, or a change of tier) checks it here, in its own transaction; a reload deletes the rows of the tiers
-- it removes and refuses when a stored customer is still on one of them, in its own. SQLite's single writer runs the
-- two one after the other, so no customer is ever stored on a tier the catalog lacks. Empty until the first start
-- of this version records its catalog (no check until then).
CREATE TABLE registry_tiers (
  name TEXT NOT NULL PRIMARY KEY
) STRICT;

-- Up Migration

-- Which database this is: a random id made once, when the schema is created. A bot announces its
-- database's id on the admin link, and the admin trusts the ids a bot reports for its live feed only
-- when they name the database the admin reads (a bot writing elsewhere behind the same admin would
-- otherwise hide this database's own messages with the same ids). A restored copy keeps this row;
-- getDatabaseId() adds the cluster's system identifier and the database's oid, which it does not.
CREATE TABLE database_identity (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  id uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO database_identity DEFAULT VALUES;

-- Down Migration
DROP TABLE IF EXISTS database_identity;

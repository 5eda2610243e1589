-- abm 0.1 -> 0.2 (ALTER EXTENSION abm UPDATE TO '0.2').
-- Every change of the SQL surface since 0.1, in the order it was made; a
-- fresh install of 0.2 (generated from sql/install/*.sql) must define the
-- same objects (test/tap/012_upgrade.pl compares the two catalogs).
\echo Use "ALTER EXTENSION abm UPDATE TO '0.2'" to load this file. \quit

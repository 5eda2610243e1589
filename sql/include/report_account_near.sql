\set ECHO none
-- Included by the tests that compare abm_report_account arrays computed in
-- two ways (\i sql/include/report_account_near.sql): pg_temp.accounts_near(a,
-- b) is true when every field is equal, but for the float sums (scores and
-- surge z-scores), whose row order may differ: those to 1e-9.
CREATE FUNCTION pg_temp.near(a float8, b float8) RETURNS bool LANGUAGE sql AS
  $$ SELECT (a IS NULL AND b IS NULL) OR coalesce(abs(a - b) <= 1e-9 * abs(b), false) $$;
CREATE FUNCTION pg_temp.accounts_near(a abm_report_account[], b abm_report_account[]) RETURNS bool
LANGUAGE sql AS $$
    SELECT cardinality(a) = cardinality(b)
           AND coalesce(bool_and(to_jsonb(x) - '{score_end,relationship_start,relationship_end,surge}'::text[]
                                   = to_jsonb(y) - '{score_end,relationship_start,relationship_end,surge}'::text[]
                                 AND pg_temp.near(x.score_end, y.score_end)
                                 AND pg_temp.near(x.relationship_start, y.relationship_start)
                                 AND pg_temp.near(x.relationship_end, y.relationship_end)
                                 AND pg_temp.near(x.surge, y.surge)), true)
    FROM unnest(a) WITH ORDINALITY x JOIN unnest(b) WITH ORDINALITY y USING (ordinality)
$$;
\set ECHO all

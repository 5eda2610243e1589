-- Stage funnels (src/funnel.c).

CREATE TYPE abm_funnel;
CREATE FUNCTION abm_funnel_in(cstring) RETURNS abm_funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_funnel_out(abm_funnel) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_funnel_recv(internal) RETURNS abm_funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_funnel_send(abm_funnel) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE abm_funnel (
    INPUT = abm_funnel_in, OUTPUT = abm_funnel_out,
    RECEIVE = abm_funnel_recv, SEND = abm_funnel_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);

CREATE FUNCTION abm_funnel_trans(internal, abm_journey) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_funnel_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_funnel_serial(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_funnel_deserial(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION abm_funnel_final(internal) RETURNS abm_funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_funnel_merge(abm_funnel, abm_funnel) RETURNS abm_funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE abm_funnel(journey abm_journey) (
    SFUNC = abm_funnel_trans, STYPE = internal, SSPACE = 2048,
    FINALFUNC = abm_funnel_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = abm_funnel_combine,
    SERIALFUNC = abm_funnel_serial, DESERIALFUNC = abm_funnel_deserial,
    PARALLEL = SAFE);
CREATE FUNCTION abm_funnel_steps(funnel abm_funnel)
    RETURNS TABLE(step int, stage text, accounts bigint, pct_of_first float8,
                  pct_of_previous float8, dropped bigint,
                  median_days_from_previous float8, p90_days_from_previous float8,
                  bar text)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 6;

-- The one-call form for BI tools: journeys built from a relation, with the
-- caller's privileges and quoted identifiers.
CREATE FUNCTION abm_funnel_steps(relation regclass, account_col name, stage_col name,
                                 at_col name, stages text[] DEFAULT NULL)
    RETURNS TABLE(step int, stage text, accounts bigint, pct_of_first float8,
                  pct_of_previous float8, dropped bigint,
                  median_days_from_previous float8, p90_days_from_previous float8,
                  bar text)
    LANGUAGE plpgsql STABLE PARALLEL RESTRICTED ROWS 6
    AS $$
BEGIN
    IF relation IS NULL OR account_col IS NULL OR stage_col IS NULL OR at_col IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT * FROM @extschema@.abm_funnel_steps('
        '(SELECT @extschema@.abm_funnel(j) FROM '
        '(SELECT @extschema@.abm_journey(%I::pg_catalog.text, %I::pg_catalog.timestamptz%s) AS j '
        'FROM %s GROUP BY %I) AS journeys))',
        stage_col, at_col, CASE WHEN stages IS NULL THEN '' ELSE ', $1' END,
        relation, account_col)
        USING stages;
END
$$;

CREATE FUNCTION abm_funnel_report(levels int[], stages text[] DEFAULT NULL)
    RETURNS TABLE(step int, stage text, accounts bigint, pct_of_first float8,
                  pct_of_previous float8, dropped bigint,
                  median_days_from_previous float8, p90_days_from_previous float8,
                  bar text)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 6;

COMMENT ON TYPE abm_funnel IS 'a stage funnel: accounts reaching each stage and the days each took from the previous stage';
COMMENT ON FUNCTION abm_funnel_in(cstring) IS 'support: text input of abm_funnel, e.g. ''{target: 3, engaged: 2 (1.5 4)}''';
COMMENT ON FUNCTION abm_funnel_out(abm_funnel) IS 'support: text output of abm_funnel (exact)';
COMMENT ON FUNCTION abm_funnel_recv(internal) IS 'support: binary input of abm_funnel, validated';
COMMENT ON FUNCTION abm_funnel_send(abm_funnel) IS 'support: binary output of abm_funnel';
COMMENT ON FUNCTION abm_funnel_trans(internal, abm_journey) IS 'support: transition of abm_funnel';
COMMENT ON FUNCTION abm_funnel_combine(internal, internal) IS 'support: combines funnel states';
COMMENT ON FUNCTION abm_funnel_serial(internal) IS 'support: serializes a funnel state (version byte first)';
COMMENT ON FUNCTION abm_funnel_deserial(bytea, internal) IS 'support: reads a serialized funnel state, checking its version and bounds';
COMMENT ON FUNCTION abm_funnel_final(internal) IS 'support: final function of abm_funnel';
COMMENT ON FUNCTION abm_funnel_merge(abm_funnel, abm_funnel) IS 'support: merges two funnels; transition and combine of abm_rollup(abm_funnel)';
COMMENT ON AGGREGATE abm_funnel(abm_journey) IS 'the funnel of a set of account journeys: an account counts at every stage up to its furthest';
COMMENT ON FUNCTION abm_funnel_steps(abm_funnel) IS 'one row per stage: accounts, share of the first and previous stage, accounts dropped since the previous one, median and p90 days from the previous stage, a bar';
COMMENT ON FUNCTION abm_funnel_steps(regclass, name, name, name, text[]) IS 'the funnel of a stage history relation (account, stage, entered_at columns) in one call, with the caller''s privileges';
COMMENT ON FUNCTION abm_funnel_report(int[], text[]) IS 'stage rows from per-account levels such as abm_window_funnel''s: accounts at level k or more per step';

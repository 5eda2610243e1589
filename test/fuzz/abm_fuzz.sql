-- The fuzz harness inside the test database (loaded by test/fuzz/run.sh,
-- which replaces MODULE_PATHNAME by the path of the test-only abm_fuzz.so
-- and @extschema@ by abm's schema).  Needs test/fuzz/seeds.sql first.

CREATE SCHEMA abm_fuzz;

CREATE FUNCTION abm_fuzz.mutate(seed bytea, other bytea, rng bigint) RETURNS bytea
    AS 'MODULE_PATHNAME', 'abm_fuzz_mutate' LANGUAGE C IMMUTABLE;
CREATE FUNCTION abm_fuzz.mutate_text(seed text, other text, rng bigint) RETURNS text
    AS 'MODULE_PATHNAME', 'abm_fuzz_mutate_text' LANGUAGE C IMMUTABLE;
CREATE FUNCTION abm_fuzz.input(typ regtype, literal text) RETURNS text
    AS 'MODULE_PATHNAME', 'abm_fuzz_input' LANGUAGE C STRICT;
CREATE FUNCTION abm_fuzz.recv(typ regtype, data bytea) RETURNS text
    AS 'MODULE_PATHNAME', 'abm_fuzz_recv' LANGUAGE C STRICT;
CREATE FUNCTION abm_fuzz.capture_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'abm_fuzz_capture_final' LANGUAGE C;
CREATE FUNCTION abm_fuzz.replay_trans(internal, regprocedure, bytea) RETURNS internal
    AS 'MODULE_PATHNAME', 'abm_fuzz_replay_trans' LANGUAGE C;
CREATE FUNCTION abm_fuzz.replay_final(internal) RETURNS text[]
    AS 'MODULE_PATHNAME', 'abm_fuzz_replay_final' LANGUAGE C;
CREATE FUNCTION abm_fuzz.overread(n int) RETURNS int
    AS 'MODULE_PATHNAME', 'abm_fuzz_overread' LANGUAGE C STRICT;

-- Deserialize each state with the target's DESERIALFUNC, merge them with
-- its COMBINEFUNC; returns {FINALFUNC result, SERIALFUNC output in hex}.
CREATE AGGREGATE abm_fuzz.replay(target regprocedure, state bytea) (
    SFUNC = abm_fuzz.replay_trans, STYPE = internal,
    FINALFUNC = abm_fuzz.replay_final);

-- What gets fuzzed, read from the catalog: every input and receive
-- function of an abm type, and every aggregate of abm with a deserialize
-- function.  "function" is the function under test.
CREATE FUNCTION abm_fuzz.targets(OUT kind text, OUT target text, OUT function text)
RETURNS SETOF record LANGUAGE sql STABLE AS $$
    SELECT 'input', t.oid::regtype::text, t.typinput::regproc::text
    FROM pg_type t JOIN abm_seeds.members m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
    WHERE t.typinput IN (SELECT objid FROM abm_seeds.members WHERE classid = 'pg_proc'::regclass)
    UNION ALL
    SELECT 'recv', t.oid::regtype::text, t.typreceive::regproc::text
    FROM pg_type t JOIN abm_seeds.members m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
    WHERE t.typreceive IN (SELECT objid FROM abm_seeds.members WHERE classid = 'pg_proc'::regclass)
    UNION ALL
    SELECT 'deserialize', abm_seeds.signature(a.aggfnoid), a.aggdeserialfn::regproc::text
    FROM pg_aggregate a JOIN abm_seeds.members m ON m.classid = 'pg_proc'::regclass AND m.objid = a.aggfnoid
    WHERE a.aggdeserialfn <> 0
    ORDER BY 1, 2
$$;

-- A capture aggregate: the target's transition, combine, serial and
-- deserial functions, and a final function that returns the serialized
-- state, so the states the harness mutates come from the real aggregate.
CREATE FUNCTION abm_fuzz.capture_for(agg oid) RETURNS regprocedure
LANGUAGE plpgsql AS $$
DECLARE
    a pg_aggregate;
    name text := 'capture_' || agg;
    args text := pg_get_function_identity_arguments(agg);
    types text := (SELECT oidvectortypes(proargtypes) FROM pg_proc WHERE oid = agg);
BEGIN
    SELECT * INTO STRICT a FROM pg_aggregate WHERE aggfnoid = agg;
    IF to_regprocedure(format('abm_fuzz.%I(%s)', name, types)) IS NULL THEN
        EXECUTE format('CREATE AGGREGATE abm_fuzz.%I(%s) (SFUNC = %s, STYPE = internal, '
                       'FINALFUNC = abm_fuzz.capture_final, COMBINEFUNC = %s, '
                       'SERIALFUNC = %s, DESERIALFUNC = %s)',
                       name, args, a.aggtransfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn);
    END IF;
    RETURN to_regprocedure(format('abm_fuzz.%I(%s)', name, types));
END
$$;

-- Valid values every run starts from and mutates: text and binary forms of
-- the seed values of each type, serialized states of each aggregate over
-- 16 evenly spaced prefixes of the rows of each seed input.
CREATE TABLE abm_fuzz.seed (kind text, target text, val text, bin bytea);

-- Fills abm_fuzz.seed; returns one row per target without a usable seed,
-- which the harness counts as a failure.
CREATE FUNCTION abm_fuzz.prepare() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    t record;
    s record;
    cap regprocedure;
    cols text;
    n int;
BEGIN
    TRUNCATE abm_fuzz.seed;
    FOR t IN SELECT * FROM abm_fuzz.targets() LOOP
        BEGIN
            IF t.kind IN ('input', 'recv') THEN
                FOR s IN SELECT expr FROM abm_seeds.type_value WHERE type_name = t.target LOOP
                    EXECUTE format('INSERT INTO abm_fuzz.seed SELECT %L, %L, v::text, %s(v) FROM (SELECT (%s)::%s AS v) x',
                                   t.kind, t.target,
                                   (SELECT typsend::regproc FROM pg_type WHERE oid = t.target::regtype),
                                   s.expr, t.target);
                END LOOP;
            ELSE
                cap := abm_fuzz.capture_for(abm_seeds.aggregate_oid(t.target));
                -- A VARIADIC argument is passed as the array it is.
                SELECT string_agg(CASE WHEN i = p.pronargs AND p.provariadic <> 0 THEN 'VARIADIC ' ELSE '' END
                                   || 'q.c' || i, ', ' ORDER BY i) INTO cols
                FROM pg_proc p, generate_series(1, p.pronargs) i WHERE p.oid = cap;
                FOR s IN SELECT query FROM abm_seeds.agg_input WHERE aggregate = t.target LOOP
                    EXECUTE format('WITH q AS (SELECT pg_catalog.row_number() OVER () AS rn, * FROM (%s) q(%s)) '
                                   'INSERT INTO abm_fuzz.seed SELECT %L, %L, NULL, st FROM '
                                   '(SELECT %s(%s) AS st FROM q, (SELECT DISTINCT ceil(count(*) * j / 16.0) AS k '
                                   'FROM q, generate_series(1, 16) j GROUP BY j) p '
                                   'WHERE q.rn <= k GROUP BY k) x WHERE st IS NOT NULL',
                                   s.query, replace(replace(cols, 'VARIADIC ', ''), 'q.', ''), t.kind, t.target,
                                   cap::oid::regproc, cols);
                END LOOP;
            END IF;
        EXCEPTION WHEN others THEN
            RETURN NEXT format('%s %s: seed failed: %s', t.kind, t.target, SQLERRM);
            CONTINUE;
        END;
        SELECT count(*) INTO n FROM abm_fuzz.seed WHERE kind = t.kind AND target = t.target;
        IF n = 0 THEN
            RETURN NEXT format('%s %s: no seed values (add them to test/fuzz/seeds.sql)', t.kind, t.target);
        END IF;
    END LOOP;
    -- Duplicates (a prefix state equal to another) add nothing.
    DELETE FROM abm_fuzz.seed a USING abm_fuzz.seed b
    WHERE a.ctid > b.ctid AND (a.kind, a.target) = (b.kind, b.target)
      AND a.val IS NOT DISTINCT FROM b.val AND a.bin = b.bin;
END
$$;

-- The input of case i of a run: the seeds themselves first, then every
-- eighth case random, the others 1-4 stacked mutations of a seed (spliced
-- with another).  Deterministic: a failing case is reproduced from i, rng.
CREATE FUNCTION abm_fuzz.case_input(vals text[], bins bytea[], i bigint, rng bigint,
                                    OUT val text, OUT bin bytea)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    n int := cardinality(bins);
    r bigint := rng # (i * 1000003);
BEGIN
    IF i < n THEN
        val := vals[i + 1];
        bin := bins[i + 1];
    ELSIF i % 8 = 7 THEN
        val := abm_fuzz.mutate_text(NULL, NULL, r);
        bin := abm_fuzz.mutate(NULL, NULL, r);
    ELSE
        val := abm_fuzz.mutate_text(vals[i % n + 1], vals[(i / n) % n + 1], r);
        bin := abm_fuzz.mutate(bins[i % n + 1], bins[(i / n) % n + 1], r);
    END IF;
END
$$;

-- Runs cases first .. first + n - 1 of one target.  An error is clean when
-- its SQLSTATE is of class 22 (data exception) or 54 (program limit); any
-- other error (XX000 from elog, 53200 from a huge allocation, ...) is
-- unclean; an "abm_fuzz:" error or a seed rejected is a broken invariant.
CREATE FUNCTION abm_fuzz.run(kind text, target text, first bigint, n int, rng bigint,
                             OUT cases int, OUT accepted int, OUT rejected int,
                             OUT unclean int, OUT broken int, OUT sqlstates text,
                             OUT example text)
LANGUAGE plpgsql AS $$
DECLARE
    vals text[];
    bins bytea[];
    nseeds int;
    typ regtype;
    agg regprocedure;
    i bigint;
    v text;
    b bytea;
    res text[];
    again text[];
    st text;
    msg text;
    states text[] := '{}';
    canon text;
    merged text;
    rollup regprocedure;
BEGIN
    cases := 0; accepted := 0; rejected := 0; unclean := 0; broken := 0;
    SELECT array_agg(s.val ORDER BY s.ctid), array_agg(s.bin ORDER BY s.ctid) INTO vals, bins
    FROM abm_fuzz.seed s WHERE s.kind = run.kind AND s.target = run.target;
    nseeds := cardinality(bins);
    IF nseeds IS NULL THEN
        RAISE EXCEPTION 'abm_fuzz: no seeds for % %', kind, target;
    END IF;
    IF kind = 'deserialize' THEN
        agg := abm_seeds.aggregate_oid(target);
    ELSE
        typ := target::regtype;
        -- the type's abm_rollup, if it has one: accepted values are merged
        rollup := abm_fuzz.rollup_of(typ);
    END IF;

    FOR i IN first .. first + n - 1 LOOP
        cases := cases + 1;
        SELECT c.val, c.bin INTO v, b FROM abm_fuzz.case_input(vals, bins, i, rng) c;
        BEGIN
            IF kind = 'input' THEN
                canon := abm_fuzz.input(typ, v);
            ELSIF kind = 'recv' THEN
                canon := abm_fuzz.recv(typ, b);
            ELSE
                SELECT abm_fuzz.replay(agg, s) INTO res FROM (VALUES (b)) x(s);
            END IF;
            accepted := accepted + 1;
        EXCEPTION WHEN others THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
            states := states || st;
            IF msg LIKE 'abm_fuzz:%' OR i < nseeds THEN
                broken := broken + 1;
            ELSIF abm_fuzz.is_clean(st, msg) THEN
                rejected := rejected + 1;
                CONTINUE;
            ELSE
                unclean := unclean + 1;
            END IF;
            example := coalesce(example, format('case %s (%s): %s: %s', i,
                left(CASE WHEN kind = 'input' THEN quote_literal(v) ELSE '\x' || encode(b, 'hex') END, 300),
                st, msg));
            CONTINUE;
        END;

        -- An accepted value of a type with an abm_rollup must merge with
        -- itself, as the rollup's transition and combine do, or fail
        -- cleanly (counts that overflow when added, durations beyond the
        -- cap); what the merge makes must read back to the same text.
        IF rollup IS NOT NULL THEN
            BEGIN
                BEGIN
                    EXECUTE format('SELECT %s(x)::text FROM (VALUES ($1::%s), ($1::%s)) s(x)',
                                   rollup::oid::regproc, typ, typ)
                        INTO merged USING canon;
                EXCEPTION WHEN others THEN
                    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
                    CONTINUE WHEN abm_fuzz.is_clean(st, msg);
                    RAISE;
                END;
                IF abm_fuzz.input(typ, merged) IS DISTINCT FROM merged THEN
                    RAISE EXCEPTION 'abm_fuzz: merged value does not read back: %', left(merged, 200);
                END IF;
            EXCEPTION WHEN others THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
                broken := broken + 1;
                example := coalesce(example, format('case %s (%s): merged with itself: %s: %s', i,
                    left(quote_literal(canon), 300), st, msg));
            END;
        END IF;

        -- An accepted state must serialize into one that reads back to the
        -- same state and result.  Two copies of it must combine or fail
        -- cleanly (counts that overflow when added), and what combine
        -- makes must serialize into a state that reads back.
        IF kind = 'deserialize' THEN
            BEGIN
                SELECT abm_fuzz.replay(agg, s) INTO again
                FROM (VALUES (decode(res[2], 'hex'))) x(s);
                IF again IS DISTINCT FROM res THEN
                    RAISE EXCEPTION 'abm_fuzz: re-serialized state differs: % then %', res, again;
                END IF;
                BEGIN
                    SELECT abm_fuzz.replay(agg, s) INTO again FROM (VALUES (b), (b)) x(s);
                EXCEPTION WHEN others THEN
                    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
                    CONTINUE WHEN abm_fuzz.is_clean(st, msg);
                    RAISE;
                END;
                SELECT abm_fuzz.replay(agg, s) INTO res
                FROM (VALUES (decode(again[2], 'hex'))) x(s);
                IF again IS DISTINCT FROM res THEN
                    RAISE EXCEPTION 'abm_fuzz: combined state re-serialized differs: % then %', again, res;
                END IF;
            EXCEPTION WHEN others THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
                broken := broken + 1;
                example := coalesce(example, format('case %s (\x%s): after acceptance: %s: %s',
                    i, left(encode(b, 'hex'), 300), st, msg));
            END;
        END IF;
    END LOOP;
    SELECT string_agg(s || '=' || c, ' ' ORDER BY s) INTO sqlstates
    FROM (SELECT s, count(*) AS c FROM unnest(states) s GROUP BY s) x;
END
$$;

-- A clean error: a data exception (class 22) or a program limit (54), not
-- raised by the harness itself.
CREATE FUNCTION abm_fuzz.is_clean(st text, msg text) RETURNS bool
LANGUAGE sql IMMUTABLE AS $$
    SELECT msg NOT LIKE 'abm_fuzz:%' AND left(st, 2) IN ('22', '54')
$$;

-- The abm_rollup aggregate over values of typ, or NULL.
CREATE FUNCTION abm_fuzz.rollup_of(typ regtype) RETURNS regprocedure
LANGUAGE sql STABLE AS $$
    SELECT p.oid::regprocedure
    FROM abm_seeds.members m
    JOIN pg_catalog.pg_proc p ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND p.oid = m.objid
    WHERE p.prokind = 'a' AND p.proname = 'abm_rollup' AND p.pronargs = 1
      AND p.proargtypes[0] = typ
$$;

-- Inputs that once crashed or misbehaved (test/fuzz/known_cases.sql), each
-- with the outcome it must have now: 'ok' or the SQLSTATE of a clean error.
-- copies > 1 replays a state that many times, so combine runs.
CREATE TABLE abm_fuzz.known_case (kind text, target text, note text, val text,
                                  bin bytea, copies int DEFAULT 1, expect text);

CREATE FUNCTION abm_fuzz.check_known_cases() RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    k record;
    got text;
    st text;
    missing bool;
BEGIN
    FOR k IN SELECT * FROM abm_fuzz.known_case ORDER BY kind, target, note LOOP
        -- A case of a type or aggregate this build does not have yet.
        missing := CASE WHEN k.kind = 'deserialize' THEN abm_seeds.aggregate_oid(k.target) IS NULL
                        ELSE to_regtype(k.target) IS NULL END;
        IF missing THEN
            RETURN NEXT format('skip %s %s: %s: not in this build', k.kind, k.target, k.note);
            CONTINUE;
        END IF;
        BEGIN
            IF k.kind = 'input' THEN
                PERFORM abm_fuzz.input(k.target::regtype, k.val);
            ELSIF k.kind = 'recv' THEN
                PERFORM abm_fuzz.recv(k.target::regtype, k.bin);
            ELSE
                PERFORM abm_fuzz.replay(abm_seeds.aggregate_oid(k.target), k.bin)
                FROM generate_series(1, k.copies);
            END IF;
            got := 'ok';
        EXCEPTION WHEN others THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
            got := st || ' ' || SQLERRM;
        END;
        RETURN NEXT format('%s %s %s: %s: expected %s, got %s',
                           CASE WHEN split_part(got, ' ', 1) = k.expect THEN 'ok' ELSE 'FAIL' END,
                           k.kind, k.target, k.note, k.expect, got);
    END LOOP;
END
$$;

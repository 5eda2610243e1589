-- Inputs the fuzzer found that crashed or misbehaved, replayed by every run
-- of test/fuzz/run.sh with the outcome they must have now.  Loaded after
-- abm_fuzz.sql.

-- Two copies of a counter state whose first counter is INT64_MAX: combining
-- them wrapped around to a negative count (a state no reader accepts, and a
-- wrong rate); now 22003.
INSERT INTO abm_fuzz.known_case (kind, target, note, bin, copies, expect)
SELECT 'deserialize', a, 'combined counters overflow',
       '\x01017fffffffffffffff00000000000000010000000000000000', 2, '22003'
FROM unnest(ARRAY['abm_nps(integer)', 'abm_rate(boolean)', 'abm_win_rate(boolean)']) a;
-- The same states once each are valid.
INSERT INTO abm_fuzz.known_case (kind, target, note, bin, copies, expect)
SELECT 'deserialize', a, 'largest counter accepted',
       '\x01017fffffffffffffff00000000000000010000000000000000', 1, 'ok'
FROM unnest(ARRAY['abm_nps(integer)', 'abm_rate(boolean)', 'abm_win_rate(boolean)']) a;

-- A binary abm_engagement whose half-life is beyond 2^53 microseconds:
-- abm_interval_usecs went through float8, so the text form of the value
-- ("834006 days 22:33:48.316671") read back one microsecond off (fixed in
-- src/abm.c).
INSERT INTO abm_fuzz.known_case (kind, target, note, bin, expect) VALUES
    ('recv', 'abm_engagement', 'half-life beyond 2^53 microseconds round-trips',
     '\x010a0100008cffffffff0002ea4f6cacc8000002ea978245e000403bf75175b0b67506110000000000000001000000000000000100000000000000010000000000000001000000000200000000000000010000000000000002',
     'ok');

-- An abm_engagement_score state whose sum is NaN: accepted once, it made a
-- state that re-serialized into bytes the same reader rejects; NaN never
-- comes out of a transition, so it is now rejected on the way in (22P03).
INSERT INTO abm_fuzz.known_case (kind, target, note, bin, expect) VALUES
    ('deserialize', 'abm_engagement_score(double precision, timestamp with time zone, timestamp with time zone, interval)',
     'NaN score sum rejected',
     '\x010b00000000000000017ff80000000000000000000000000000000000e8d4a51000000000e8d4a510000000000000000000',
     '22P03');

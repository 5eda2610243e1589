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

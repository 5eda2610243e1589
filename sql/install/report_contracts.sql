-- The contract KPIs abm_report takes per step (src/report_contracts.c): one
-- abm_report_step_contracts per step, from the contracts of the target
-- accounts (customers and ARR, renewals, revenue by class).

CREATE TYPE abm_report_step_contracts AS (
    step int,
    customers_at_start bigint,
    customers_at_end bigint,
    customers_retained bigint,
    arr_start numeric,
    arr_expansion numeric,
    arr_contraction numeric,
    arr_churn numeric,
    arr_end numeric,
    arr_kept numeric,
    up_for_renewal bigint,
    renewed bigint,
    new_logo numeric,
    renewal numeric,
    expansion numeric,
    total numeric,
    expanded_accounts bigint);

CREATE FUNCTION abm_report_contracts_trans(internal, bigint, date, date, numeric, date[], interval)
    RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION abm_report_contracts_final(internal) RETURNS abm_report_step_contracts[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- No combine function: an account's contracts are compared with each other,
-- and abm_report runs it in the leader over the contracts it has read.  The
-- final function sorts the kept rows in place, which changes no result.
CREATE AGGREGATE abm_report_contracts(account bigint, starts_on date, ends_on date, amount numeric,
                                      bound_dates date[], grace interval) (
    SFUNC = abm_report_contracts_trans, STYPE = internal, SSPACE = 4096,
    FINALFUNC = abm_report_contracts_final, FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

COMMENT ON TYPE abm_report_step_contracts IS 'the contract KPIs of one step of abm_report (result of abm_report_contracts)';
COMMENT ON FUNCTION abm_report_contracts_trans(internal, bigint, date, date, numeric, date[], interval) IS 'support: transition of abm_report_contracts';
COMMENT ON FUNCTION abm_report_contracts_final(internal) IS 'support: final function of abm_report_contracts';
COMMENT ON AGGREGATE abm_report_contracts(bigint, date, date, numeric, date[], interval) IS
    'support: the customers, renewals and revenue classes of abm_report per step, from the contracts of the target accounts';

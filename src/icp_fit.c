/*-------------------------------------------------------------------------
 *
 * icp_fit.c
 *	  Account selection by profile: the ideal-customer-profile fit
 *	  abm_icp_fit(account jsonb, profile jsonb) and the marketing-qualified
 *	  account test abm_is_mqa().
 *
 * A profile is {"criteria": [criterion, ...]}, each criterion an object
 * {"attribute": name or [path], <operator>: operand, "weight": w} with
 * exactly one operator among eq, in, between, contains, gte, lte and an
 * optional non-negative weight (default 1).  The fit is the weight of the
 * criteria the account meets over the total weight.  Every criterion is
 * checked on every call, whatever the account holds, so a malformed profile
 * fails on the first account instead of silently skewing some fits.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "abm.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

PG_FUNCTION_INFO_V1(abm_icp_fit);
PG_FUNCTION_INFO_V1(abm_is_mqa);

typedef enum IcpOperator
{
	ICP_EQ,
	ICP_IN,
	ICP_BETWEEN,
	ICP_CONTAINS,
	ICP_GTE,
	ICP_LTE
} IcpOperator;

static const char *const icp_operator_names[] = {
	"eq", "in", "between", "contains", "gte", "lte"
};

#define ICP_OPERATORS lengthof(icp_operator_names)

/* One criterion being checked, for error reports. */
typedef struct IcpCriterion
{
	int			index;			/* position in "criteria", from 0 */
	JsonbContainer *container;	/* the criterion object */
	JsonbValue *attribute;		/* its "attribute" value, NULL if absent */
} IcpCriterion;

static char *
icp_json_text(JsonbContainer *c)
{
	return JsonbToCString(NULL, c, 64);
}

/* A JSON value of any kind (scalar or container) as JSON text. */
static char *
icp_value_text(JsonbValue *v)
{
	return icp_json_text(&JsonbValueToJsonb(v)->root);
}

static void
icp_bad_criterion(const IcpCriterion *crit, const char *problem, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid ICP profile criterion criteria[%d] (attribute %s): %s",
					crit->index,
					crit->attribute ? icp_value_text(crit->attribute) : "(none)",
					problem),
			 errdetail("Element %d of criteria is %s.", crit->index, icp_json_text(crit->container)),
			 errhint("%s", hint)));
}

static void
icp_bad_profile(Jsonb *profile, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid ICP profile: %s", problem),
			 errdetail("The input has profile = %s.", icp_json_text(&profile->root)),
			 errhint("Write the profile as {\"criteria\": [{\"attribute\": \"industry\", \"in\": [\"software\"], \"weight\": 2}, ...]}.")));
}

static bool
icp_is_scalar(const JsonbValue *v)
{
	return v->type == jbvString || v->type == jbvNumeric || v->type == jbvBool;
}

static bool
icp_is_array(const JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data) &&
		!JsonContainerIsScalar(v->val.binary.data);
}

static int
icp_numeric_compare(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b)));
}

/* Equality of two scalars: strings exactly, numbers by value. */
static bool
icp_scalars_equal(const JsonbValue *a, const JsonbValue *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type)
	{
		case jbvString:
			return a->val.string.len == b->val.string.len &&
				memcmp(a->val.string.val, b->val.string.val, a->val.string.len) == 0;
		case jbvNumeric:
			return icp_numeric_compare(a->val.numeric, b->val.numeric) == 0;
		case jbvBool:
			return a->val.boolean == b->val.boolean;
		default:
			return false;
	}
}

/*
 * Check that an operand is a non-empty array of scalars; true when one of
 * them equals the scalar value (value may be NULL: nothing to match).
 */
static bool
icp_list_matches(const IcpCriterion *crit, const char *op, const JsonbValue *operand,
			 const JsonbValue *value)
{
	JsonbContainer *list;
	int			n;
	bool		found = false;

	if (!icp_is_array(operand) || JsonContainerSize(operand->val.binary.data) == 0)
		icp_bad_criterion(crit, psprintf("\"%s\" must be a non-empty array of strings, numbers or booleans", op),
					  psprintf("Write \"%s\": [\"a\", \"b\"].", op));
	list = operand->val.binary.data;
	n = JsonContainerSize(list);
	for (int i = 0; i < n; i++)
	{
		JsonbValue *elem;

		CHECK_FOR_INTERRUPTS();
		elem = getIthJsonbValueFromContainer(list, i);
		if (!icp_is_scalar(elem))
			icp_bad_criterion(crit, psprintf("\"%s\" must be a non-empty array of strings, numbers or booleans", op),
						  psprintf("Write \"%s\": [\"a\", \"b\"].", op));
		if (value != NULL && !found && icp_scalars_equal(elem, value))
			found = true;
		/* a contains over two large arrays calls this once per element */
		pfree(elem);
	}
	return found;
}

static Numeric
icp_number_operand(const IcpCriterion *crit, const char *op, const JsonbValue *operand)
{
	if (operand->type != jbvNumeric)
		icp_bad_criterion(crit, psprintf("\"%s\" must be a number", op),
					  psprintf("Write \"%s\": 1000, without quotes.", op));
	return operand->val.numeric;
}

/*
 * The attribute's value in the account, or NULL when it is missing or JSON
 * null.  attribute is a key, or an array of keys leading into nested
 * objects.
 */
static JsonbValue *
icp_lookup_attribute(const IcpCriterion *crit, const JsonbValue *attribute,
				 Jsonb *account)
{
	JsonbContainer *c = &account->root;
	JsonbValue *v = NULL;

	if (attribute->type == jbvString)
		v = getKeyJsonValueFromContainer(c, attribute->val.string.val,
										 attribute->val.string.len, NULL);
	else
	{
		JsonbContainer *path = attribute->val.binary.data;
		int			n = JsonContainerSize(path);

		if (n == 0)
			icp_bad_criterion(crit, "\"attribute\" must be a key or a non-empty array of keys",
						  "Write \"attribute\": \"industry\", or a path such as [\"firmographics\", \"industry\"].");
		for (int i = 0; i < n; i++)
		{
			JsonbValue *key;

			CHECK_FOR_INTERRUPTS();
			key = getIthJsonbValueFromContainer(path, i);
			if (key->type != jbvString)
				icp_bad_criterion(crit, "\"attribute\" must be a key or a non-empty array of keys",
							  "Write \"attribute\": \"industry\", or a path such as [\"firmographics\", \"industry\"].");
			/* keep checking the path after a missing step */
			if (c == NULL)
				continue;
			v = getKeyJsonValueFromContainer(c, key->val.string.val,
											 key->val.string.len, NULL);
			c = NULL;
			if (v != NULL && v->type == jbvBinary &&
				JsonContainerIsObject(v->val.binary.data))
				c = v->val.binary.data;
			else if (i < n - 1)
				v = NULL;
		}
	}
	if (v != NULL && v->type == jbvNull)
		return NULL;
	return v;
}

/* Whether the account meets one criterion; checks the criterion fully. */
static bool
icp_criterion_met(const IcpCriterion *crit, IcpOperator op, const JsonbValue *operand,
			  const JsonbValue *value)
{
	const char *name = icp_operator_names[op];

	switch (op)
	{
		case ICP_EQ:
			if (!icp_is_scalar(operand))
				icp_bad_criterion(crit, "\"eq\" must be a string, a number or a boolean",
							  "Write \"eq\": \"emea\"; use \"in\" for a list of values.");
			return value != NULL && icp_scalars_equal(operand, value);

		case ICP_IN:
			return icp_list_matches(crit, name, operand,
								value != NULL && icp_is_scalar(value) ? value : NULL);

		case ICP_CONTAINS:
			{
				bool		met = false;

				/* the operand is checked even when there is nothing to match */
				if (value == NULL || icp_is_scalar(value))
					return icp_list_matches(crit, name, operand, value);
				(void) icp_list_matches(crit, name, operand, NULL);
				if (!icp_is_array(value))
					return false;
				for (int i = 0; i < (int) JsonContainerSize(value->val.binary.data) && !met; i++)
				{
					JsonbValue *elem = getIthJsonbValueFromContainer(value->val.binary.data, i);

					met = icp_is_scalar(elem) && icp_list_matches(crit, name, operand, elem);
					pfree(elem);
				}
				return met;
			}

		case ICP_BETWEEN:
			{
				JsonbValue *low = NULL;
				JsonbValue *high = NULL;

				if (icp_is_array(operand) && JsonContainerSize(operand->val.binary.data) == 2)
				{
					low = getIthJsonbValueFromContainer(operand->val.binary.data, 0);
					high = getIthJsonbValueFromContainer(operand->val.binary.data, 1);
				}
				if (low == NULL || low->type != jbvNumeric || high->type != jbvNumeric ||
					icp_numeric_compare(low->val.numeric, high->val.numeric) > 0)
					icp_bad_criterion(crit, "\"between\" must be an array of two numbers [low, high] with low <= high",
								  "Write \"between\": [200, 5000]; both bounds are included.");
				return value != NULL && value->type == jbvNumeric &&
					icp_numeric_compare(value->val.numeric, low->val.numeric) >= 0 &&
					icp_numeric_compare(value->val.numeric, high->val.numeric) <= 0;
			}

		case ICP_GTE:
			{
				Numeric		bound = icp_number_operand(crit, name, operand);

				return value != NULL && value->type == jbvNumeric &&
					icp_numeric_compare(value->val.numeric, bound) >= 0;
			}

		case ICP_LTE:
			{
				Numeric		bound = icp_number_operand(crit, name, operand);

				return value != NULL && value->type == jbvNumeric &&
					icp_numeric_compare(value->val.numeric, bound) <= 0;
			}
	}
	return false;				/* not reached */
}

static float8
icp_criterion_weight(const IcpCriterion *crit, const JsonbValue *weight)
{
	float8		w;

	if (weight == NULL)
		return 1.0;
	if (weight->type != jbvNumeric)
		icp_bad_criterion(crit, "\"weight\" must be a number",
					  "Write \"weight\": 2, without quotes; leave it out for weight 1.");
	w = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
										   NumericGetDatum(weight->val.numeric)));
	if (isnan(w) || isinf(w) || w < 0)
		icp_bad_criterion(crit, "\"weight\" must be a finite number of zero or more",
					  "Give every criterion a weight of 0 or more.");
	return w;
}

/*
 * Read one criterion object, check it, and return its weight; *met says
 * whether the account meets it.
 */
static float8
icp_evaluate_criterion(int index, JsonbValue *item, Jsonb *account, bool *met)
{
	IcpCriterion crit;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	JsonbValue	key;
	JsonbValue	weight = {.type = jbvNull};
	JsonbValue	operand = {.type = jbvNull};
	int			op = -1;
	float8		w;

	crit.index = index;
	crit.container = NULL;
	crit.attribute = NULL;
	if (item->type != jbvBinary || !JsonContainerIsObject(item->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid ICP profile criterion criteria[%d]: a criterion must be a JSON object",
						index),
				 errdetail("Element %d of criteria is %s.", index, icp_value_text(item)),
				 errhint("Write each criterion as {\"attribute\": \"region\", \"eq\": \"emea\"}.")));
	crit.container = item->val.binary.data;

	/* find the attribute first, so that every later message can name it */
	crit.attribute = getKeyJsonValueFromContainer(crit.container, "attribute", 9, NULL);
	if (crit.attribute == NULL ||
		(crit.attribute->type != jbvString && !icp_is_array(crit.attribute)))
		icp_bad_criterion(&crit, "\"attribute\" must be a key or a non-empty array of keys",
					  "Write \"attribute\": \"industry\", or a path such as [\"firmographics\", \"industry\"].");

	it = JsonbIteratorInit(crit.container);
	while ((tok = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		int			found = -1;

		CHECK_FOR_INTERRUPTS();
		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &v, true);
		Assert(tok == WJB_VALUE);
		if (key.val.string.len == 9 && memcmp(key.val.string.val, "attribute", 9) == 0)
			continue;
		if (key.val.string.len == 6 && memcmp(key.val.string.val, "weight", 6) == 0)
		{
			weight = v;
			continue;
		}
		for (int i = 0; i < (int) ICP_OPERATORS; i++)
			if (strlen(icp_operator_names[i]) == (size_t) key.val.string.len &&
				memcmp(icp_operator_names[i], key.val.string.val, key.val.string.len) == 0)
				found = i;
		if (found < 0)
			icp_bad_criterion(&crit,
						  psprintf("unknown key \"%s\"",
								   pnstrdup(key.val.string.val, key.val.string.len)),
						  "A criterion has \"attribute\", one operator among eq, in, between, contains, gte, lte, and an optional \"weight\".");
		if (op >= 0)
			icp_bad_criterion(&crit,
						  psprintf("more than one operator (\"%s\" and \"%s\")",
								   icp_operator_names[op], icp_operator_names[found]),
						  "Split the criterion in two, one operator each.");
		op = found;
		operand = v;
	}
	if (op < 0)
		icp_bad_criterion(&crit, "no operator",
					  "Add one operator among eq, in, between, contains, gte, lte.");

	w = icp_criterion_weight(&crit, weight.type == jbvNull ? NULL : &weight);
	*met = icp_criterion_met(&crit, (IcpOperator) op, &operand,
						 icp_lookup_attribute(&crit, crit.attribute, account));
	return w;
}

/*
 * abm_icp_fit(account, profile): the weighted share of the profile's
 * criteria the account meets, in [0, 1]; NULL when the total weight is 0.
 * A missing attribute, or one holding JSON null, is not met.
 */
Datum
abm_icp_fit(PG_FUNCTION_ARGS)
{
	Jsonb	   *account = PG_GETARG_JSONB_P(0);
	Jsonb	   *profile = PG_GETARG_JSONB_P(1);
	JsonbValue *criteria;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	float8		total = 0;
	float8		met_weight = 0;
	int			n;

	if (!JB_ROOT_IS_OBJECT(profile))
		icp_bad_profile(profile, "the profile must be a JSON object");
	it = JsonbIteratorInit(&profile->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok == WJB_KEY &&
			!(v.val.string.len == 8 && memcmp(v.val.string.val, "criteria", 8) == 0))
			icp_bad_profile(profile, psprintf("unknown key \"%s\"",
										  pnstrdup(v.val.string.val, v.val.string.len)));
	}
	criteria = getKeyJsonValueFromContainer(&profile->root, "criteria", 8, NULL);
	if (criteria == NULL || !icp_is_array(criteria))
		icp_bad_profile(profile, "\"criteria\" must be an array of criteria");

	if (!JB_ROOT_IS_OBJECT(account))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("account must be a JSON object"),
				 errdetail("The input has account = %s.", icp_json_text(&account->root)),
				 errhint("Pass the account's attributes as an object, such as {\"industry\": \"software\", \"employees\": 800}.")));

	n = JsonContainerSize(criteria->val.binary.data);
	for (int i = 0; i < n; i++)
	{
		bool		met;
		float8		w;

		CHECK_FOR_INTERRUPTS();
		w = icp_evaluate_criterion(i,
										   getIthJsonbValueFromContainer(criteria->val.binary.data, i),
										   account, &met);

		total += w;
		if (met)
			met_weight += w;
	}
	if (isinf(total))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the total weight of the ICP profile is out of range"),
				 errhint("Use smaller weights: only their ratios matter.")));
	if (total == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(met_weight / total);
}

/*
 * abm_is_mqa: a marketing-qualified account reaches all three thresholds:
 * engagement score, engaged contacts and fit.
 */
Datum
abm_is_mqa(PG_FUNCTION_ARGS)
{
	float8		score = PG_GETARG_FLOAT8(0);
	int32		engaged_contacts = PG_GETARG_INT32(1);
	float8		fit = PG_GETARG_FLOAT8(2);
	float8		min_score = PG_GETARG_FLOAT8(3);
	int32		min_contacts = PG_GETARG_INT32(4);
	float8		min_fit = PG_GETARG_FLOAT8(5);

	if (isnan(score) || isnan(fit) || isnan(min_score) || isnan(min_fit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scores, fits and thresholds must be numbers"),
				 errdetail("The input has score = %g, fit = %g, min_score = %g, min_fit = %g.",
						   score, fit, min_score, min_fit),
				 errhint("Replace NaN with a number, or leave the account out.")));
	if (engaged_contacts < 0 || min_contacts < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("contact counts must not be negative"),
				 errdetail("The input has engaged_contacts = %d, min_contacts = %d.",
						   engaged_contacts, min_contacts)));
	PG_RETURN_BOOL(score >= min_score && engaged_contacts >= min_contacts &&
				   fit >= min_fit);
}

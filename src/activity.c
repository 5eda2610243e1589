/*-------------------------------------------------------------------------
 *
 * activity.c
 *	  Default engagement weights of the standard activities (SPEC section 3)
 *	  and the lookup abm_activity_weight(text).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "abm.h"
#include "utils/builtins.h"

typedef struct ActivityWeight
{
	const char *name;
	float8		weight;
} ActivityWeight;

static const ActivityWeight activity_weights[] = {
	{"ad_impression", 0.1},
	{"ad_click", 2},
	{"email_open", 1},
	{"email_click", 3},
	{"web_visit", 1},
	{"high_value_page_visit", 5},
	{"content_download", 5},
	{"webinar_attended", 8},
	{"chat", 6},
	{"form_fill", 10},
	{"meeting_booked", 20},
	{"event_attended", 15},
};

PG_FUNCTION_INFO_V1(abm_activity_weight);

/*
 * Names match case-insensitively, so CRM exports that say "Email_Open"
 * still weigh; anything unknown weighs 0 so that new activity types never
 * break a running dashboard.
 */
float8
abm_activity_weight_of(const char *name, int len)
{
	for (size_t i = 0; i < lengthof(activity_weights); i++)
	{
		const char *known = activity_weights[i].name;

		if ((int) strlen(known) == len && pg_strncasecmp(known, name, len) == 0)
			return activity_weights[i].weight;
	}
	return 0.0;
}

Datum
abm_activity_weight(PG_FUNCTION_ARGS)
{
	text	   *name = PG_GETARG_TEXT_PP(0);

	PG_RETURN_FLOAT8(abm_activity_weight_of(VARDATA_ANY(name),
											VARSIZE_ANY_EXHDR(name)));
}

/*-------------------------------------------------------------------------
 *
 * activity.c
 *	  Default engagement weights of the standard activities (docs/reference.md)
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
	int			len;			/* strlen(name): most names are ruled out by it */
	float8		weight;
} ActivityWeight;

#define ACTIVITY(name, weight) {name, sizeof(name) - 1, weight}

/* The order is the activity index (abm.h); stored values depend on it. */
static const ActivityWeight activity_weights[ABM_ACTIVITIES] = {
	ACTIVITY("ad_impression", 0.1),
	ACTIVITY("ad_click", 2),
	ACTIVITY("email_open", 1),
	ACTIVITY("email_click", 3),
	ACTIVITY("web_visit", 1),
	ACTIVITY("high_value_page_visit", 5),
	ACTIVITY("content_download", 5),
	ACTIVITY("webinar_attended", 8),
	ACTIVITY("chat", 6),
	ACTIVITY("form_fill", 10),
	ACTIVITY("meeting_booked", 20),
	ACTIVITY("event_attended", 15),
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
	int			i = abm_activity_index_of(name, len);

	return i < 0 ? 0.0 : activity_weights[i].weight;
}

/*
 * Slot of a name in by_hash: (len + 6 * second byte) mod 16 is different for
 * each of the standard names, so a lower-case name is found with a single
 * memcmp.  The engagement aggregates look up every row.  A name added later
 * that collides would only be slower: the loop below still finds it.
 */
#define ACTIVITY_HASH(name, len) (((len) + 6 * (unsigned char) (name)[1]) & 15)

static int8 by_hash[16];
static bool by_hash_ready = false;

/* Index of a standard activity (0 .. ABM_ACTIVITIES - 1), or -1. */
int
abm_activity_index_of(const char *name, int len)
{
	int			i;

	if (!by_hash_ready)
	{
		memset(by_hash, -1, sizeof(by_hash));
		for (i = 0; i < ABM_ACTIVITIES; i++)
		{
			int			h = ACTIVITY_HASH(activity_weights[i].name,
										  activity_weights[i].len);

			Assert(by_hash[h] == -1);
			by_hash[h] = (int8) i;
		}
		by_hash_ready = true;
	}
	if (len >= 2)
	{
		i = by_hash[ACTIVITY_HASH(name, len)];
		if (i >= 0 && activity_weights[i].len == len &&
			memcmp(activity_weights[i].name, name, len) == 0)
			return i;
	}
	/* Other spellings: "Email_Open" from a CRM export. */
	for (i = 0; i < ABM_ACTIVITIES; i++)
	{
		if (activity_weights[i].len == len &&
			pg_strncasecmp(activity_weights[i].name, name, len) == 0)
			return i;
	}
	return -1;
}

const char *
abm_activity_name(int index)
{
	Assert(index >= 0 && index < ABM_ACTIVITIES);
	return activity_weights[index].name;
}

float8
abm_activity_weight_at(int index)
{
	Assert(index >= 0 && index < ABM_ACTIVITIES);
	return activity_weights[index].weight;
}

Datum
abm_activity_weight(PG_FUNCTION_ARGS)
{
	text	   *name = PG_GETARG_TEXT_PP(0);

	PG_RETURN_FLOAT8(abm_activity_weight_of(VARDATA_ANY(name),
											VARSIZE_ANY_EXHDR(name)));
}

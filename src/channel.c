/*-------------------------------------------------------------------------
 *
 * channel.c
 *	  Channel dictionaries of the data-driven attribution models: names
 *	  interned to indexes 0 .. n-1 in arrival order (an open-addressing hash
 *	  table, so a path of a million touches costs a million lookups, not a
 *	  million string comparisons per channel), their canonical byte order,
 *	  and their binary and quoted text forms.
 *
 * Binary form of a dictionary: the channel count, then per channel its
 * byte length and bytes, in strictly increasing byte order (so a stored
 * value has one form only and holds no name twice).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "channel.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"

void
abm_channels_init(AbmChannels *d, MemoryContext ctx, int32 max, const char *what)
{
	memset(d, 0, sizeof(AbmChannels));
	d->ctx = ctx;
	d->max = max;
	d->what = what;
	d->cap = 8;
	d->name = MemoryContextAlloc(ctx, d->cap * sizeof(char *));
	d->len = MemoryContextAlloc(ctx, d->cap * sizeof(int32));
	d->hash = MemoryContextAlloc(ctx, d->cap * sizeof(uint32));
	d->mask = 15;
	d->slot = MemoryContextAlloc(ctx, (d->mask + 1) * sizeof(int32));
	memset(d->slot, -1, (d->mask + 1) * sizeof(int32));
}

static uint32
channel_hash(const char *name, int32 len)
{
	return hash_bytes((const unsigned char *) name, len);
}

static int32
channel_lookup(const AbmChannels *d, const char *name, int32 len, uint32 h)
{
	for (uint32 i = h & d->mask;; i = (i + 1) & d->mask)
	{
		int32		k = d->slot[i];

		if (k < 0)
			return -1;
		if (d->hash[k] == h && d->len[k] == len && memcmp(d->name[k], name, len) == 0)
			return k;
	}
}

int32
abm_channels_find(const AbmChannels *d, const char *name, int32 len)
{
	return channel_lookup(d, name, len, channel_hash(name, len));
}

static void
channels_rehash(AbmChannels *d, uint32 slots)
{
	int32	   *slot = MemoryContextAlloc(d->ctx, slots * sizeof(int32));

	memset(slot, -1, slots * sizeof(int32));
	d->mask = slots - 1;
	for (int32 k = 0; k < d->n; k++)
	{
		uint32		i = d->hash[k] & d->mask;

		while (slot[i] >= 0)
			i = (i + 1) & d->mask;
		slot[i] = k;
	}
	pfree(d->slot);
	d->slot = slot;
}

/*
 * The index of name, added when new.  More than d->max channels, or a name
 * longer than ABM_CHANNEL_MAX_NAME bytes, is error 54000 with the caller's
 * hint.
 */
int32
abm_channels_add(AbmChannels *d, const char *name, int32 len, const char *hint)
{
	uint32		h = channel_hash(name, len);
	int32		k = channel_lookup(d, name, len, h);
	uint32		i;

	if (k >= 0)
		return k;
	if (len > ABM_CHANNEL_MAX_NAME)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("channel name is too long for %s", d->what),
				 errdetail("A channel name of %d bytes exceeds the limit of %d bytes.",
						   len, ABM_CHANNEL_MAX_NAME),
				 errhint("Use shorter channel names, such as a code or an id.")));
	if (d->n >= d->max)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many channels for %s", d->what),
				 errdetail("At most %d distinct channels fit in %s; channel %d is \"%s\".",
						   d->max, d->what, d->n + 1,
						   pnstrdup(name, Min(len, 64))),
				 errhint("%s", hint)));
	if (d->n >= d->cap)
	{
		d->cap *= 2;
		d->name = repalloc(d->name, d->cap * sizeof(char *));
		d->len = repalloc(d->len, d->cap * sizeof(int32));
		d->hash = repalloc(d->hash, d->cap * sizeof(uint32));
	}
	k = d->n++;
	d->name[k] = MemoryContextAlloc(d->ctx, len + 1);
	memcpy(d->name[k], name, len);
	d->name[k][len] = '\0';
	d->len[k] = len;
	d->hash[k] = h;
	if ((uint32) d->n * 2 > d->mask + 1)
		channels_rehash(d, (d->mask + 1) * 2);
	else
	{
		for (i = h & d->mask; d->slot[i] >= 0; i = (i + 1) & d->mask)
			;
		d->slot[i] = k;
	}
	return k;
}

static int
channel_name_cmp(const char *a, int32 alen, const char *b, int32 blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

static int
channel_order_cmp(const void *a, const void *b, void *arg)
{
	const AbmChannels *d = (const AbmChannels *) arg;
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return channel_name_cmp(d->name[x], d->len[x], d->name[y], d->len[y]);
}

/* The channel indexes in byte order of their names (palloc'd). */
int32 *
abm_channels_order(const AbmChannels *d)
{
	int32	   *order = palloc(Max(d->n, 1) * sizeof(int32));

	for (int32 k = 0; k < d->n; k++)
		order[k] = k;
	qsort_arg(order, d->n, sizeof(int32), channel_order_cmp, unconstify(AbmChannels *, d));
	return order;
}

/* rank[k]: the position of channel k in order (palloc'd). */
int32 *
abm_channels_rank(const AbmChannels *d, const int32 *order)
{
	int32	   *rank = palloc(Max(d->n, 1) * sizeof(int32));

	for (int32 i = 0; i < d->n; i++)
		rank[order[i]] = i;
	return rank;
}

void
abm_channels_write(StringInfo buf, const AbmChannels *d, const int32 *order)
{
	pq_sendint32(buf, d->n);
	for (int32 i = 0; i < d->n; i++)
	{
		int32		k = order[i];

		pq_sendint32(buf, d->len[k]);
		pq_sendbytes(buf, d->name[k], d->len[k]);
	}
}

/*
 * Read a dictionary written by abm_channels_write into d (initialised,
 * empty): at most d->max names, each valid text of at most
 * ABM_CHANNEL_MAX_NAME bytes, in strictly increasing byte order.
 */
void
abm_channels_read(AbmReader *r, AbmChannels *d)
{
	int32		n = abm_read_count(r, d->max);

	for (int32 i = 0; i < n; i++)
	{
		int32		len = abm_read_count(r, ABM_CHANNEL_MAX_NAME);
		const char *name = abm_read_bytes(r, len);

		if (!pg_verifymbstr(name, len, true))
			abm_read_corrupt(r, "A channel name is not valid text.");
		if (i > 0 && channel_name_cmp(d->name[i - 1], d->len[i - 1], name, len) >= 0)
			abm_read_corrupt(r, "The channel names are not in strictly increasing order.");
		abm_channels_add(d, name, len, "");
	}
}

/*
 * Intern the channels of one journey's text[] in array order and call
 * visit(arg, index) for each; NULL elements are skipped.  Returns how many
 * channels were visited.  A multi-dimensional array is error 22023, one of
 * more than ABM_CHANNEL_MAX_PATH elements error 54000.
 */
int64
abm_channels_walk(AbmChannels *d, ArrayType *path, const char *argname,
				  const char *hint, void (*visit) (void *arg, int32 k), void *arg)
{
	int			nitems = ArrayGetNItems(ARR_NDIM(path), ARR_DIMS(path));
	ArrayIterator it;
	Datum		elem;
	bool		isnull;
	const char *prev = NULL;
	int32		prev_len = -1;
	int32		prev_k = -1;
	int64		visited = 0;

	if (ARR_NDIM(path) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array", argname),
				 errdetail("The array %s has %d dimensions.", argname, ARR_NDIM(path)),
				 errhint("Pass the channels of one journey, e.g. array_agg(channel ORDER BY occurred_at).")));
	if (nitems > ABM_CHANNEL_MAX_PATH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s is too long for %s", argname, d->what),
				 errdetail("A journey of %d channels exceeds the limit of %d.",
						   nitems, ABM_CHANNEL_MAX_PATH),
				 errhint("Keep the last touches of each journey, or collapse channels repeated in a row.")));
	if (nitems == 0)
		return 0;
	it = array_create_iterator(path, 0, NULL);
	while (array_iterate(it, &elem, &isnull))
	{
		const text *t;
		const char *name;
		int32		len;
		int32		k;

		CHECK_FOR_INTERRUPTS();
		if (isnull)
			continue;
		/* elements of an array are never compressed or toasted */
		t = (const text *) DatumGetPointer(elem);
		name = VARDATA_ANY(t);
		len = VARSIZE_ANY_EXHDR(t);
		/* journeys repeat channels: the previous one needs no lookup */
		if (len == prev_len && memcmp(name, prev, len) == 0)
			k = prev_k;
		else
			k = abm_channels_add(d, name, len, hint);
		prev = name;
		prev_len = len;
		prev_k = k;
		visit(arg, k);
		visited++;
	}
	array_free_iterator(it);
	return visited;
}

void
abm_channel_append(StringInfo buf, const char *name, int32 len)
{
	appendStringInfoChar(buf, '"');
	for (int32 i = 0; i < len; i++)
	{
		if (name[i] == '"' || name[i] == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, name[i]);
	}
	appendStringInfoChar(buf, '"');
}

/*
 * A double-quoted channel name into name (reset first): valid text, at most
 * ABM_CHANNEL_MAX_NAME bytes, backslash escapes the next character.
 * Returns the position after the closing quote and white space.
 */
const char *
abm_channel_parse(const char *p, StringInfo name, const char *typname,
				  const char *literal)
{
	resetStringInfo(name);
	p = abm_skip_ws(p);
	if (*p != '"')
		abm_literal_error(typname, literal, "Expected a channel name in double quotes.");
	for (p++; *p != '"'; p++)
	{
		if (*p == '\\')
			p++;
		if (*p == '\0')
			abm_literal_error(typname, literal, "A quoted channel name is not closed.");
		if (name->len >= ABM_CHANNEL_MAX_NAME)
			abm_literal_error(typname, literal, "A channel name is longer than 1024 bytes.");
		appendStringInfoChar(name, *p);
	}
	if (!pg_verifymbstr(name->data, name->len, true))
		abm_literal_error(typname, literal, "A channel name is not valid text.");
	return abm_skip_ws(p + 1);
}

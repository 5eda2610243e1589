/*-------------------------------------------------------------------------
 *
 * channel.h
 *	  Channel dictionaries shared by the data-driven attribution models
 *	  (markov.c, shapley.c): channel names interned to small integers, their
 *	  canonical (byte) order, their binary and quoted text forms.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ABM_CHANNEL_H
#define ABM_CHANNEL_H

#include "abm.h"
#include "textform.h"
#include "utils/array.h"

/* Longest channel name, in bytes; a longer one is error 54000. */
#define ABM_CHANNEL_MAX_NAME	1024

/* Most channels in one journey's array; a longer one is error 54000. */
#define ABM_CHANNEL_MAX_PATH	100000

typedef struct AbmChannels
{
	MemoryContext ctx;			/* where names and tables grow */
	int32		n;				/* channels interned */
	int32		cap;			/* allocated entries */
	int32		max;			/* the documented cap (54000 beyond) */
	const char *what;			/* the aggregate or type, for errors */
	char	  **name;
	int32	   *len;
	uint32	   *hash;
	int32	   *slot;			/* open addressing: index or -1 */
	uint32		mask;			/* slot count - 1 */
} AbmChannels;

extern void abm_channels_init(AbmChannels *d, MemoryContext ctx, int32 max,
							  const char *what);
extern int32 abm_channels_find(const AbmChannels *d, const char *name, int32 len);
extern int32 abm_channels_add(AbmChannels *d, const char *name, int32 len,
							  const char *hint);
extern int32 *abm_channels_order(const AbmChannels *d);
extern int32 *abm_channels_rank(const AbmChannels *d, const int32 *order);
extern void abm_channels_write(StringInfo buf, const AbmChannels *d,
							   const int32 *order);
extern void abm_channels_read(AbmReader *r, AbmChannels *d);
extern int64 abm_channels_walk(AbmChannels *d, ArrayType *path,
							   const char *argname, const char *hint,
							   void (*visit) (void *arg, int32 k), void *arg);

/* Text forms: names always in double quotes, '"' and '\' escaped. */
extern void abm_channel_append(StringInfo buf, const char *name, int32 len);
extern const char *abm_channel_parse(const char *p, StringInfo name,
									 const char *typname, const char *literal);


#endif							/* ABM_CHANNEL_H */

-- abm_activity_weight: the default weights (docs/reference.md)
SELECT a, abm_activity_weight(a) AS weight
FROM (VALUES ('ad_impression'), ('ad_click'), ('email_open'), ('email_click'),
             ('web_visit'), ('high_value_page_visit'), ('content_download'),
             ('webinar_attended'), ('chat'), ('form_fill'), ('meeting_booked'),
             ('event_attended')) v(a);
-- case-insensitive; unknown activities and the empty string weigh 0, without error
SELECT abm_activity_weight('Meeting_Booked') AS mixed_case,
       abm_activity_weight('podcast_listen') AS unknown,
       abm_activity_weight('') AS empty,
       abm_activity_weight('meeting_booked ') AS trailing_space;
SELECT abm_activity_weight(NULL) IS NULL AS null_is_null;

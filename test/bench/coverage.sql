-- workload: plain SQL coverage grouped by account
-- against: floor
SELECT t.account_id,
       count(DISTINCT t.contact_id) AS contacts,
       count(DISTINCT t.contact_id) FILTER (WHERE t.activity IN ('email_click', 'content_download', 'webinar_attended', 'chat', 'form_fill', 'meeting_booked', 'event_attended')) AS engaged_contacts,
       bool_or(t.activity IN ('email_click', 'content_download', 'webinar_attended', 'chat', 'form_fill', 'meeting_booked', 'event_attended') AND c.role = 'champion') AS champion,
       bool_or(t.activity IN ('email_click', 'content_download', 'webinar_attended', 'chat', 'form_fill', 'meeting_booked', 'event_attended') AND c.role = 'economic_buyer') AS economic_buyer,
       bool_or(t.activity IN ('email_click', 'content_download', 'webinar_attended', 'chat', 'form_fill', 'meeting_booked', 'event_attended') AND c.role = 'technical_buyer') AS technical_buyer,
       bool_or(t.activity IN ('email_click', 'content_download', 'webinar_attended', 'chat', 'form_fill', 'meeting_booked', 'event_attended') AND c.role = 'influencer') AS influencer
FROM bench.touches t JOIN bench.contacts c ON c.contact_id = t.contact_id
GROUP BY t.account_id;

-- workload: abm_coverage grouped by account
-- against: plain SQL coverage grouped by account
-- bar: <= 2
SELECT t.account_id,
       abm_coverage(t.contact_id, c.role,
                    t.activity IN ('email_click', 'content_download', 'webinar_attended', 'chat', 'form_fill', 'meeting_booked', 'event_attended'))
FROM bench.touches t JOIN bench.contacts c ON c.contact_id = t.contact_id
GROUP BY t.account_id;

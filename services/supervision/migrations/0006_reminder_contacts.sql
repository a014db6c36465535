-- Who a reminder reaches: the recipient unit's secretary (bí thư) when it
-- was raised — shown with the reminder — and their phone, kept with the
-- outbox row only (what the webhook sends to SMS), never listed by the API.
ALTER TABLE reminders ADD COLUMN recipient_member_id TEXT NOT NULL DEFAULT '';
ALTER TABLE reminders ADD COLUMN recipient_member_name TEXT NOT NULL DEFAULT '';
ALTER TABLE reminder_outbox ADD COLUMN recipient_phone TEXT NOT NULL DEFAULT '';

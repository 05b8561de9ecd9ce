-- Agent analytics (agentActivity) read staff replies, first responses and resolutions over a time
-- range: partial indexes (only staff rows pay for them when written) so that 90 days of a 1M-message
-- history are not read message by message and event by event.
CREATE INDEX "events_staff_idx" ON "events" USING btree ("type","created_at","conversation_id","channel","value") WHERE "events"."actor" = 'human';--> statement-breakpoint
CREATE INDEX "messages_staff_replies_idx" ON "messages" USING btree ("created_at","author_id","conversation_id","channel","internal") WHERE "messages"."author_kind" = 'human' and "messages"."direction" = 'outbound';
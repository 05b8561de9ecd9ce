-- The inbox tabs' counts read these tallies instead of every conversation (countConversationsBy in
-- src/store/repository.ts): 100 ms and more at 100,000 conversations, on every inbox reload.
-- Triggers keep them in the transaction that writes the conversation; an update that changes none
-- of the tallied columns (the message path's, mostly) does not fire them. Each session adds to its
-- own shard (as event_rollups), and an update takes its two rows in key order, so two sessions
-- moving conversations in opposite directions wait for each other instead of deadlocking.
CREATE TABLE "conversation_tallies" (
	"status" text NOT NULL,
	"owner" text NOT NULL,
	"channel" text NOT NULL,
	"route" text NOT NULL,
	"assignee_id" text NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "conversation_tallies_status_owner_channel_route_assignee_id_shard_pk" PRIMARY KEY("status","owner","channel","route","assignee_id","shard")
);
--> statement-breakpoint
CREATE FUNCTION conversation_tally_add(t_status text, t_owner text, t_channel text, t_route text, t_assignee_id text, delta integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO conversation_tallies (status, owner, channel, route, assignee_id, shard, n)
  VALUES (t_status, t_owner, t_channel, coalesce(t_route, ''), coalesce(t_assignee_id, ''), pg_backend_pid() % 8, delta)
  ON CONFLICT (status, owner, channel, route, assignee_id, shard) DO UPDATE SET n = conversation_tallies.n + excluded.n
$$;
--> statement-breakpoint
CREATE FUNCTION conversations_tally() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM conversation_tally_add(NEW.status, NEW.owner, NEW.channel, NEW.route, NEW.assignee_id, 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM conversation_tally_add(OLD.status, OLD.owner, OLD.channel, OLD.route, OLD.assignee_id, -1);
  ELSIF (NEW.status, NEW.owner, NEW.channel, coalesce(NEW.route, ''), coalesce(NEW.assignee_id, ''))
      < (OLD.status, OLD.owner, OLD.channel, coalesce(OLD.route, ''), coalesce(OLD.assignee_id, '')) THEN
    PERFORM conversation_tally_add(NEW.status, NEW.owner, NEW.channel, NEW.route, NEW.assignee_id, 1);
    PERFORM conversation_tally_add(OLD.status, OLD.owner, OLD.channel, OLD.route, OLD.assignee_id, -1);
  ELSE
    PERFORM conversation_tally_add(OLD.status, OLD.owner, OLD.channel, OLD.route, OLD.assignee_id, -1);
    PERFORM conversation_tally_add(NEW.status, NEW.owner, NEW.channel, NEW.route, NEW.assignee_id, 1);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER conversations_tally_insert_delete AFTER INSERT OR DELETE ON conversations FOR EACH ROW EXECUTE FUNCTION conversations_tally();
--> statement-breakpoint
CREATE TRIGGER conversations_tally_update AFTER UPDATE OF status, owner, channel, route, assignee_id ON conversations FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.owner IS DISTINCT FROM NEW.owner OR OLD.channel IS DISTINCT FROM NEW.channel
  OR OLD.route IS DISTINCT FROM NEW.route OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
EXECUTE FUNCTION conversations_tally();
--> statement-breakpoint
INSERT INTO conversation_tallies (status, owner, channel, route, assignee_id, n)
SELECT status, owner, channel, coalesce(route, ''), coalesce(assignee_id, ''), count(*) FROM conversations GROUP BY 1, 2, 3, 4, 5;

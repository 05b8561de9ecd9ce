-- Conversation search reads the newest hits first (hitOrder in src/store/pg/message-search.ts):
-- a GIN index returns a word's messages in no useful order, and fetching every one to keep a
-- page of 50 conversations took 0.3–0.8 s for a common word at 1,000,000 messages. This index
-- holds each word of a message once more, prefixed by the first five characters of the
-- message's id (2.3 hours of creation time in a ULID), "01JD3.refund": a search asks it for its
-- terms within the newest chunks only. Same splitting and 'simple' configuration as
-- messages_text_search_idx (0007), so both find the same messages.
CREATE FUNCTION message_recent_lexemes(id text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_to_tsvector(array(
    SELECT left(id, 5) || '.' || lexeme
    FROM unnest(tsvector_to_array(to_tsvector('simple', regexp_replace(body, '[^[:alnum:]]+', ' ', 'g')))) AS lexeme))
$$;
--> statement-breakpoint
CREATE INDEX "messages_recent_search_idx" ON "messages" USING gin (message_recent_lexemes("id", "text"));

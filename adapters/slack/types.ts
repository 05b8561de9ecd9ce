import { z } from 'zod';
import type { Logger } from '../../src/core/ports.ts';

/** Settings of the Slack channel (config.slack). */
export interface SlackAdapterConfig {
  /** Bot token (xoxb-…) the Web API calls use. */
  botToken: string;
  /** Verifies HTTP requests from Slack; without it the HTTP endpoints refuse every request (401). */
  signingSecret: string | null;
  /** App-level token (xapp-…): when set, the adapter also receives everything over Socket Mode. */
  appToken: string | null;
  /** Channel id where escalated conversations of every channel are posted; null: no desk. */
  supportChannel: string | null;
  /** Web API base URL override (tests point it at a local server); must end with a slash. */
  apiUrl: string | null;
}

/** What the adapter needs besides its settings. */
export interface SlackAdapterDeps {
  /** Used until the adapter is attached to a running Frontdesk (which brings its own logger). */
  logger?: Logger;
  /** Reaction shown while the agents work on a message; removed when the reply lands. */
  workingReaction?: string;
  /** How long users.info answers are cached. */
  userCacheMs?: number;
}

/** Where Frontdesk links a conversation to its support-desk thread (the desk directory's link target). */
export const DESK_TARGET = 'slack-desk';
/** The namespace of Slack event ids among provider events (ChannelContext.providerEvents). */
export const PROVIDER = 'slack';

/** Button action ids on the desk's parent message. */
export const DESK_ACTIONS = {
  takeOver: 'frontdesk_take_over',
  handBack: 'frontdesk_hand_back',
  resolve: 'frontdesk_resolve',
  assignMe: 'frontdesk_assign_me',
} as const;
export type DeskAction = (typeof DESK_ACTIONS)[keyof typeof DESK_ACTIONS];

const SlackFile = z.object({
  id: z.string(),
  name: z.string().optional(),
  mimetype: z.string().optional(),
  size: z.number().optional(),
  url_private: z.string().optional(),
});

/**
 * The inner event of an `event_callback` as the envelope carries it: only its type is known, since
 * other event types (user_change, channel_rename, …) use `user`/`channel` as objects.
 */
export const SlackEvent = z.looseObject({ type: z.string() });
export type SlackEvent = z.infer<typeof SlackEvent>;

/** A message or app_mention event, the ones Frontdesk handles; unknown fields are kept. */
export const SlackMessageEvent = z.looseObject({
  type: z.string(),
  subtype: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  app_id: z.string().optional(),
  text: z.string().optional(),
  ts: z.string().optional(),
  thread_ts: z.string().optional(),
  channel: z.string().optional(),
  channel_type: z.string().optional(),
  team: z.string().optional(),
  files: z.array(SlackFile).optional(),
});
export type SlackMessageEvent = z.infer<typeof SlackMessageEvent>;

/** An Events API request body. */
export const SlackEnvelope = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('url_verification'), challenge: z.string(), token: z.string().optional() }),
  z.looseObject({
    type: z.literal('event_callback'),
    team_id: z.string().optional(),
    api_app_id: z.string().optional(),
    event_id: z.string(),
    event_time: z.number().optional(),
    event: SlackEvent,
    authorizations: z.array(z.looseObject({ user_id: z.string().optional() })).optional(),
  }),
  z.looseObject({ type: z.literal('app_rate_limited') }),
]);
export type SlackEnvelope = z.infer<typeof SlackEnvelope>;

/** A `block_actions` interaction payload (the `payload` form field). */
export const SlackBlockActions = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: z.string(), name: z.string().optional(), username: z.string().optional() }),
  channel: z.looseObject({ id: z.string() }).optional(),
  container: z.looseObject({ message_ts: z.string().optional(), channel_id: z.string().optional() }).optional(),
  message: z.looseObject({ ts: z.string() }).optional(),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() })),
  response_url: z.string().optional(),
  trigger_id: z.string().optional(),
});
export type SlackBlockActions = z.infer<typeof SlackBlockActions>;

/** A slash command request (form fields). */
export const SlackCommand = z.object({
  command: z.string(),
  text: z.string().default(''),
  user_id: z.string(),
  channel_id: z.string(),
  team_id: z.string().optional(),
  trigger_id: z.string().optional(),
  response_url: z.string().optional(),
  /** Not sent by Slack today (commands cannot be run in threads); honoured if it ever is. */
  thread_ts: z.string().optional(),
});
export type SlackCommand = z.infer<typeof SlackCommand>;

/** The profile fields of users.info Frontdesk uses. */
export interface SlackUser {
  id: string;
  name: string | null;
  email: string | null;
  isBot: boolean;
}

/**
 * The Slack endpoints under /webhooks/slack (the Events API over HTTP): events, interactivity and
 * slash commands, each checked against Slack's signature of the raw body before anything is read.
 * Socket Mode (socket.ts) feeds the same handlers without HTTP.
 */
import { Hono } from 'hono';
import { UnauthorizedError } from '../../src/core/errors.ts';
import type { Clock } from '../../src/core/ports.ts';
import { json, routeFamily, TAGS } from '../../src/http/api-doc.ts';
import { parseCommand, parseEnvelope, parseInteraction } from './parse.ts';
import { SlackCommand, SlackEnvelope, type SlackBlockActions } from './types.ts';
import { verifySlackRequest } from './verify.ts';

/** Every Slack request carries Slack's signature of its raw body. */
const slackRoute = routeFamily(TAGS.webhooks, [{ slackSignature: [] }], 400, 401);

/** What the adapter does with a verified, parsed request. */
export interface SlackHandlers {
  acceptEvent(envelope: Extract<SlackEnvelope, { type: 'event_callback' }>, retry: string | null): Promise<void>;
  acceptAction(payload: SlackBlockActions | null): void;
  answerCommand(command: SlackCommand): Promise<object>;
}

export function createSlackRoutes(signingSecret: string | null, clock: Clock, handlers: SlackHandlers): Hono {
  /** The raw body of a request Slack signed; 401 otherwise. */
  async function verified(request: Request): Promise<string> {
    if (!signingSecret) throw new UnauthorizedError('SLACK_SIGNING_SECRET is not set; Slack HTTP requests cannot be verified.', 'slack_http_disabled');
    const rawBody = await request.text();
    verifySlackRequest({ signingSecret, headers: request.headers, rawBody, now: clock.now() });
    return rawBody;
  }

  const app = new Hono();
  app.post('/events', slackRoute('Slack Events API (messages in the support channel and DMs, url_verification)', {
    requestBody: { required: true, content: json(SlackEnvelope, { type: 'url_verification', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' }) },
    responses: { 200: { description: 'Acknowledged; for url_verification, `{challenge}`' } },
  }), async (c) => {
    const envelope = parseEnvelope(await verified(c.req.raw));
    if (envelope.type === 'url_verification') return c.json({ challenge: envelope.challenge });
    if (envelope.type === 'event_callback') await handlers.acceptEvent(envelope, c.req.header('x-slack-retry-num') ?? null);
    return c.body(null, 200);
  });
  app.post('/actions', slackRoute('Slack interactivity (the desk post\'s buttons)', {
    requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', required: ['payload'], properties: { payload: { type: 'string', description: 'JSON of a block_actions payload' } } } } } },
    responses: { 200: { description: 'Acknowledged' } },
  }), async (c) => {
    handlers.acceptAction(parseInteraction(await verified(c.req.raw)));
    return c.body(null, 200);
  });
  app.post('/commands', slackRoute('Slack slash command (/frontdesk …)', {
    requestBody: { required: true, content: json(SlackCommand, { command: '/frontdesk', text: 'open', user_id: 'U0123ABCD', channel_id: 'C0123456789' }, 'application/x-www-form-urlencoded') },
    responses: { 200: { description: 'The command\'s answer as a Slack message' } },
  }), async (c) => c.json(await handlers.answerCommand(parseCommand(await verified(c.req.raw)))));
  return app;
}

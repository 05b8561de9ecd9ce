/**
 * Socket Mode: Slack pushes events, interactions and slash commands over a WebSocket that
 * Frontdesk opens itself (apps.connections.open with the app-level token), so teams without a
 * public URL can run the channel. The connection is authenticated by the token; there are no
 * request signatures. Every envelope must be acknowledged by its envelope_id within 3 seconds,
 * or Slack delivers it again.
 */
import { LogLevel, SocketModeClient, type Logger as SlackLogger } from '@slack/socket-mode';
import { FrontdeskError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/core/ports.ts';

/** The envelope types Slack sends in Socket Mode besides `hello` and `disconnect`. */
export type SocketEnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

/** One envelope for the adapter: its type, the payload (what the HTTP transport gets as a body). */
export interface SocketEnvelope {
  type: string;
  envelopeId: string;
  payload: unknown;
  /** Slack's retry count when it delivers an unacknowledged envelope again. */
  retryNum: number | null;
}

export interface SlackSocketOptions {
  /** App-level token (xapp-…) with the connections:write scope. */
  appToken: string;
  /** Web API base URL override for apps.connections.open (tests); null for slack.com. */
  apiUrl: string | null;
  logger: Logger;
  /**
   * Handles one envelope; resolves with the acknowledgement's payload (a slash command's answer)
   * or undefined. A FrontdeskError (bad payload) is acknowledged anyway, as a redelivery would not
   * fix it; any other failure leaves the envelope unacknowledged so that Slack delivers it again.
   */
  onEnvelope(envelope: SocketEnvelope): Promise<Record<string, unknown> | undefined>;
}

/** A Socket Mode connection: `start()` opens it (reconnecting on its own), `stop()` closes it. */
export interface SlackSocket {
  start(): void;
  stop(): Promise<void>;
}

/**
 * Slack's client logs through our logger. Debug lines are dropped: they carry whole envelopes
 * (people's messages) and request details.
 */
function bridge(logger: Logger): SlackLogger {
  const line = (parts: unknown[]) => parts.map(String).join(' ');
  return {
    debug() {},
    info: (...parts) => logger.info(line(parts)),
    warn: (...parts) => logger.warn(line(parts)),
    error: (...parts) => logger.error(line(parts)),
    setLevel() {},
    getLevel: () => LogLevel.INFO,
    setName() {},
  };
}

/** How long stop() lets a WebSocket that is still opening finish its handshake. */
const OPENING_GRACE_MS = 5_000;
/** WebSocket readyState CONNECTING. */
const CONNECTING = 0;

/**
 * Resolves once a WebSocket still opening has connected or failed (bounded): closing it in the
 * middle of the handshake aborts the connection instead of closing it cleanly, and leaves the
 * client waiting for a close handshake that never comes.
 */
function opened(client: SocketModeClient): Promise<void> {
  if (client.websocket?.readyState !== CONNECTING) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('connected', done);
      client.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, OPENING_GRACE_MS);
    timer.unref();
    client.once('connected', done);
    client.once('close', done);
  });
}

export function createSlackSocket(options: SlackSocketOptions): SlackSocket {
  const { logger } = options;
  let client: SocketModeClient | null = null;
  let stopped = false;

  async function receive(event: { type: string; envelope_id: string; body: unknown; retry_num?: number; ack(response?: Record<string, unknown>): Promise<void> }) {
    let response: Record<string, unknown> | undefined;
    try {
      response = await options.onEnvelope({ type: event.type, envelopeId: event.envelope_id, payload: event.body, retryNum: event.retry_num ?? null });
    } catch (error) {
      if (!(error instanceof FrontdeskError)) {
        logger.error({ err: error, envelopeType: event.type }, 'slack socket envelope failed; left unacknowledged for redelivery');
        return;
      }
      logger.warn({ err: error, envelopeType: event.type }, 'slack socket envelope refused');
    }
    await event.ack(response).catch((error: unknown) => logger.warn({ err: error }, 'slack socket acknowledgement failed'));
  }

  return {
    start() {
      if (client) return;
      stopped = false;
      const socket = new SocketModeClient({
        appToken: options.appToken,
        logger: bridge(logger),
        clientOptions: options.apiUrl ? { slackApiUrl: options.apiUrl } : {},
      });
      client = socket;
      socket.on('slack_event', (event) => void receive(event));
      // A stop() while apps.connections.open was still in flight finds no socket to close yet.
      socket.on('connected', () => {
        if (stopped) void socket.disconnect();
        else logger.info('slack socket mode connected');
      });
      socket.start().catch((error: unknown) => {
        if (!stopped) logger.error({ err: error }, 'slack socket mode could not connect (check SLACK_APP_TOKEN)');
      });
    },
    async stop() {
      stopped = true;
      const socket = client;
      client = null;
      if (!socket) return;
      await opened(socket);
      await socket.disconnect();
    },
  };
}

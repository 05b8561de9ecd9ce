import type { Hono } from 'hono';
import type { ChannelAdapter } from '../../src/core/ports.ts';
import { carriesEveryReplyType } from '../../src/core/reply-attachments.ts';
import { createWebRoutes } from './routes.ts';
import { sendWeb } from './send.ts';
import type { WebAdapterConfig } from './types.ts';

export type { WebAdapterConfig } from './types.ts';

/** The web chat channel: its visitor API is mounted under /v1. */
export function createWebAdapter(config: WebAdapterConfig, auth: { authenticateStaff(token: string): Promise<unknown> }): ChannelAdapter<Hono> {
  return {
    kind: 'web',
    deliveredOnStore: true,
    replyAttachments: carriesEveryReplyType('the web widget'),
    send: sendWeb,
    attach: (context) => ({ basePath: '/v1', app: createWebRoutes({ context, config, authenticateStaff: auth.authenticateStaff }) }),
  };
}

import type { Conversation, Message } from '../../src/core/types.ts';

export interface WebAdapterConfig {
  /** Longest accepted message text. */
  maxMessageChars: number;
  /** How long `?wait=1` waits for the agents before answering without the reply. */
  waitTimeoutMs: number;
  /**
   * WIDGET_IDENTITY_SECRET: the HMAC key the host site signs its signed-in user ids with. Without
   * it, `userId`/`userHash` are refused and every visitor is anonymous.
   */
  identitySecret?: string | null;
}

/** What a visitor may see of a message: no internal notes, no provider bookkeeping. */
export type VisitorMessage = Pick<
  Message,
  'id' | 'conversationId' | 'direction' | 'authorKind' | 'text' | 'agentName' | 'route' | 'confidence' | 'deliveryStatus' | 'createdAt'
> & {
  /** Safe HTML rendered on the server from `text` (Markdown) for our replies; null for the visitor's own messages. */
  renderedHtml: string | null;
  /** Files staff attached to the reply; each opens with the visitor's token at `url`. */
  attachments: VisitorAttachment[];
};

/** A file in a staff reply as the visitor sees it: `url` is a path under the Frontdesk origin. */
export interface VisitorAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
}

export type VisitorConversation = Pick<Conversation, 'id' | 'status' | 'owner' | 'currentAgent' | 'createdAt' | 'lastMessageAt'>;

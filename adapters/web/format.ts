/**
 * Our messages as the web channel shows them (format.ts in every channel): what a visitor may see
 * of a message, our replies' Markdown rendered to safe HTML.
 */
import type { Conversation, Message } from '../../src/core/types.ts';
import { attachmentRefsOf } from '../../src/core/reply-attachments.ts';
import { renderedHtmlOf } from '../../src/render/message-html.ts';
import type { VisitorConversation, VisitorMessage } from './types.ts';

/** What a visitor sees of a message, with our replies' Markdown rendered to safe HTML. */
export function toVisitorMessage(m: Message): VisitorMessage {
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    authorKind: m.authorKind,
    text: m.text,
    renderedHtml: renderedHtmlOf(m),
    agentName: m.agentName,
    route: m.route,
    confidence: m.confidence,
    deliveryStatus: m.deliveryStatus,
    createdAt: m.createdAt,
    attachments: attachmentRefsOf(m).map((a) => ({ ...a, url: attachmentPath(m.conversationId, a.id) })),
  };
}

/** Where the visitor's token opens a file of their conversation (the widget adds Frontdesk's origin). */
export function attachmentPath(conversationId: string, attachmentId: string): string {
  return `/v1/conversations/${encodeURIComponent(conversationId)}/attachments/${encodeURIComponent(attachmentId)}`;
}

export function toVisitorConversation(c: Conversation): VisitorConversation {
  return { id: c.id, status: c.status, owner: c.owner, currentAgent: c.currentAgent, createdAt: c.createdAt, lastMessageAt: c.lastMessageAt };
}

/** What the widget sees of the visitor API (adapters/web/types.ts, as JSON). */
export interface WidgetMessage {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  authorKind: 'contact' | 'bot' | 'human' | 'system';
  text: string;
  /** Safe HTML the server rendered from `text` (Markdown) for our replies; null for the visitor's messages. */
  renderedHtml?: string | null;
  agentName: string | null;
  route: string | null;
  confidence: number | null;
  deliveryStatus: string;
  createdAt: number;
  /** Files staff attached; each opens with the visitor token at `url` (a path on Frontdesk). */
  attachments?: WidgetAttachment[];
}

export interface WidgetAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
}

export interface WidgetConversation {
  id: string;
  status: 'open' | 'pending' | 'resolved' | 'closed';
  owner: 'bot' | 'human';
  currentAgent: string | null;
  createdAt: number;
  lastMessageAt: number;
}

/** Settings read from the embedding <script data-…> tag. */
export interface WidgetSettings {
  /** Frontdesk's base URL (defaults to where widget.js was loaded from). */
  apiUrl: string;
  title: string;
  greeting: string;
  color: string;
  maxChars: number;
  /** Open the panel on load (demo pages). */
  open: boolean;
  /** Identity verification: the site's user id and HMAC-SHA256(user id, WIDGET_IDENTITY_SECRET), hex. */
  userId: string | null;
  userHash: string | null;
  name: string | null;
  email: string | null;
}

/**
 * The visitor's session (conversation id + visitor token) survives page loads in localStorage,
 * keyed by Frontdesk URL so two deployments on one site do not mix.
 */
export interface StoredSession {
  conversationId: string;
  visitorToken: string;
  /** The user id the session was opened for (identity verification), so a different sign-in starts fresh. */
  userId: string | null;
  /** Conversations already rated, so the CSAT prompt is not shown twice. */
  rated: boolean;
}

function key(apiUrl: string): string {
  return `frontdesk:${apiUrl}`;
}

export function loadSession(apiUrl: string): StoredSession | null {
  try {
    const raw = localStorage.getItem(key(apiUrl));
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof parsed.conversationId !== 'string' || typeof parsed.visitorToken !== 'string') return null;
    return { conversationId: parsed.conversationId, visitorToken: parsed.visitorToken, userId: parsed.userId ?? null, rated: parsed.rated === true };
  } catch {
    // Storage blocked (private mode, sandboxed iframe): the chat still works for this page view.
    return null;
  }
}

export function saveSession(apiUrl: string, session: StoredSession | null): void {
  try {
    if (session) localStorage.setItem(key(apiUrl), JSON.stringify(session));
    else localStorage.removeItem(key(apiUrl));
  } catch {
    // See loadSession.
  }
}

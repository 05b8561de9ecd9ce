/**
 * Single-key shortcuts of the console (j/k move, e resolve, a assign to me, r reply, n note, / search,
 * ? help), as Gmail, Zendesk and Chatwoot users know them. Keys typed into a field are text, not
 * shortcuts, and a key with Ctrl, Alt or Meta belongs to the browser.
 */
import { useEffect, useRef } from 'preact/hooks';

/** The shortcuts the help dialog lists, by key. */
export const SHORTCUTS: readonly [key: string, what: string][] = [
  ['j / k', 'next / previous conversation'],
  ['Enter or o', 'open the selected conversation'],
  ['r', 'reply (opens the conversation and puts the cursor in the reply box)'],
  ['n', 'internal note (the reply box, set to a staff-only note)'],
  ['e', 'resolve'],
  ['a', 'assign to me'],
  ['/', 'search the inbox'],
  ['u', 'back to the inbox'],
  ['?', 'this help'],
  ['Esc', 'leave a field, close a dialog'],
];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** Calls `handlers[event.key]` for keys pressed outside fields while the component is mounted. */
export function useShortcuts(handlers: Record<string, (() => void) | undefined>): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (event.key === 'Escape' && typing(event.target)) {
        (event.target as HTMLElement).blur();
        return;
      }
      if (typing(event.target)) return;
      const handler = latest.current[event.key];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/**
 * The conversations of the inbox as last listed, so j/k on a conversation page go to the
 * neighbours the person saw (kept for the tab's session).
 */
export const inboxOrder = {
  set(ids: string[]) {
    sessionStorage.setItem('frontdesk:inbox-order', JSON.stringify(ids));
  },
  neighbour(id: string, step: 1 | -1): string | null {
    try {
      const ids = JSON.parse(sessionStorage.getItem('frontdesk:inbox-order') ?? '[]') as string[];
      const at = ids.indexOf(id);
      return at === -1 ? null : (ids[at + step] ?? null);
    } catch {
      return null;
    }
  },
};

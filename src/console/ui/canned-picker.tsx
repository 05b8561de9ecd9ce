/**
 * Canned replies in the reply box: typing `/` and part of a shortcut or title lists the matches;
 * ↑/↓ choose, Enter or Tab insert (placeholders filled), Esc closes. Works as an ARIA combobox
 * popup on the textarea, so screen readers announce the choice.
 */
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fillPlaceholders, type PlaceholderValues } from '../../core/canned-replies.ts';
import type { CannedReply } from '../../core/types.ts';
import { api } from './api.ts';

const MAX_SHOWN = 8;
/** `/` and what follows it, at the start of the text or after a space, ending at the caret. */
const TRIGGER = /(^|\s)\/([\p{L}\p{N}_-]*)$/u;

export function useCannedReplies(): CannedReply[] {
  const [replies, setReplies] = useState<CannedReply[]>([]);
  useEffect(() => void api<{ cannedReplies: CannedReply[] }>('GET', '/v1/canned-replies').then((r) => setReplies(r.cannedReplies)).catch(() => undefined), []);
  return replies;
}

export function CannedPicker(props: {
  text: string;
  replies: CannedReply[];
  textarea: RefObject<HTMLTextAreaElement | null>;
  values: PlaceholderValues;
  onText(text: string): void;
}) {
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<string | null>(null);
  const caret = props.textarea.current?.selectionStart ?? props.text.length;
  const match = TRIGGER.exec(props.text.slice(0, caret));
  const query = match?.[2]?.toLowerCase() ?? '';
  const matches = match
    ? props.replies.filter((r) => r.shortcut.includes(query) || r.title.toLowerCase().includes(query)).sort((a, b) => Number(!a.shortcut.startsWith(query)) - Number(!b.shortcut.startsWith(query))).slice(0, MAX_SHOWN)
    : [];
  const open = matches.length > 0 && dismissedAt !== props.text;
  const chosen = Math.min(active, matches.length - 1);

  const insert = (reply: CannedReply) => {
    const start = caret - (match![2]!.length + 1);
    const body = fillPlaceholders(reply.body, props.values);
    const next = props.text.slice(0, start) + body + props.text.slice(caret);
    props.onText(next);
    setActive(0);
    const box = props.textarea.current;
    if (box) {
      box.focus();
      // After Preact has written the new value.
      requestAnimationFrame(() => box.setSelectionRange(start + body.length, start + body.length));
    }
  };
  const latest = useRef({ open, matches, chosen, insert });
  latest.current = { open, matches, chosen, insert };

  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    const box = props.textarea.current;
    if (!box) return;
    const onKey = (event: KeyboardEvent) => {
      const { open, matches, chosen, insert } = latest.current;
      if (!open || event.ctrlKey || event.metaKey) return;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        setActive((chosen + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
      } else if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        insert(matches[chosen]!);
      } else if (event.key === 'Escape') {
        // Handled here: Esc would otherwise leave the field.
        event.preventDefault();
        event.stopPropagation();
        setDismissedAt(box.value);
      }
    };
    box.addEventListener('keydown', onKey);
    return () => box.removeEventListener('keydown', onKey);
  }, [props.textarea.current]);
  useEffect(() => {
    const box = props.textarea.current;
    if (!box) return;
    box.setAttribute('role', 'combobox');
    box.setAttribute('aria-controls', 'canned-list');
    box.setAttribute('aria-autocomplete', 'list');
    box.setAttribute('aria-expanded', String(open));
    if (open) box.setAttribute('aria-activedescendant', `canned-${matches[chosen]!.id}`);
    else box.removeAttribute('aria-activedescendant');
  });

  if (!open) return null;
  return (
    <ul id="canned-list" class="canned-list" role="listbox" aria-label="Canned replies">
      {matches.map((r, i) => (
        <li
          key={r.id}
          id={`canned-${r.id}`}
          role="option"
          aria-selected={i === chosen}
          class={i === chosen ? 'active' : ''}
          // mousedown, not click: the textarea keeps focus and its caret.
          onMouseDown={(e) => {
            e.preventDefault();
            insert(r);
          }}
        >
          <strong>/{r.shortcut}</strong> {r.title}
          <span class="canned-body">{r.body.slice(0, 120)}</span>
        </li>
      ))}
    </ul>
  );
}

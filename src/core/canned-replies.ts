/**
 * Placeholders in canned replies: `{{contact.name}}`, `{{contact.email}}`, `{{agent.name}}` and
 * `{{ticket.number}}` (as #1042). The console fills them when staff insert a reply; the person sees
 * the result in the reply box before sending, so a value that is unknown (a contact without a name,
 * a conversation without a ticket) keeps its placeholder there, for them to fill, rather than
 * silently leaving a gap in the sentence.
 */

/** The placeholders a canned reply may use, with what each stands for (shown in the console). */
export const PLACEHOLDERS = {
  'contact.name': "the customer's name",
  'contact.email': "the customer's email",
  'agent.name': 'your name',
  'ticket.number': "the conversation's newest ticket, as #1042",
} as const;

export type PlaceholderValues = Partial<Record<keyof typeof PLACEHOLDERS, string | null>>;

const PLACEHOLDER = /\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/g;

/** `body` with every known placeholder that has a value replaced by it; everything else as it was. */
export function fillPlaceholders(body: string, values: PlaceholderValues): string {
  return body.replace(PLACEHOLDER, (whole, key: string) => {
    const value = Object.hasOwn(PLACEHOLDERS, key) ? values[key as keyof typeof PLACEHOLDERS] : undefined;
    return value ? value : whole;
  });
}

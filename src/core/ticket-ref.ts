/**
 * How people see a ticket: `#1042`, its short number, never its 26-character id. Engines write
 * the id they chose for the ticket into the reply ({{ticket_id}} in agents.yaml) before the store
 * has numbered it; the pipeline swaps it for the number in the transaction that stores both.
 */
import type { Ticket } from './types.ts';

/** The ticket as customers and staff see it: `#` and its number. */
export function ticketRef(ticket: Pick<Ticket, 'number'>): string {
  return `#${ticket.number}`;
}

/** `text` with every occurrence of the ticket's id replaced by its reference (`#1042`). */
export function showTicketNumber(text: string, ticket: Pick<Ticket, 'id' | 'number'>): string {
  return text.split(ticket.id).join(ticketRef(ticket));
}

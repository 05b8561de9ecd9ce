/**
 * Customer messages played by `frontdesk demo`, one per channel and route, each with the route the
 * triage agent is expected to pick. Order ids refer to config/demo/orders.ts.
 */
import type { ChannelKind } from '../../src/core/types.ts';

/** The five routes of the default deployment. */
export type DemoRoute = 'orders' | 'billing' | 'account' | 'escalation' | 'faq';

/** One scripted inbound message of the demo. */
export interface SampleMessage {
  /** Channel the message arrives on. */
  channel: ChannelKind;
  /** Sender address on that channel: email address, E.164 number, Slack user id or web visitor id. */
  from: string;
  /** What the customer wrote. */
  text: string;
  /** The route triage should choose. */
  expect: DemoRoute;
}

export const sampleMessages: readonly SampleMessage[] = [
  {
    channel: 'web',
    from: 'visitor-aisha-7f3a',
    text: 'Hi! Where is my order NW-10003? It said it shipped a couple of days ago.',
    expect: 'orders',
  },
  {
    channel: 'email',
    from: 'maria.lopez@example.com',
    text: "Hello,\n\nWhat's your refund policy? I'm thinking about buying a parka but I'm not sure it will fit, can I get my money back if it doesn't?\n\nThanks,\nMaria",
    expect: 'faq',
  },
  {
    channel: 'sms',
    from: '+15550104477',
    text: 'forgot my password and cant log in, how do i reset it?',
    expect: 'account',
  },
  {
    channel: 'email',
    from: 'lucas.moreau@example.com',
    text: 'Hi,\n\nMy order NW-10012 was supposed to arrive three days ago and the tracking has not moved since. This is really not acceptable, I bought the jacket for a trip that starts tomorrow. I want to make a formal complaint and I would like someone from your team to call me.\n\nLucas Moreau',
    expect: 'escalation',
  },
  {
    channel: 'web',
    from: 'visitor-9c21',
    text: 'how much is shipping? is it free if I spend over a certain amount?',
    expect: 'faq',
  },
  {
    channel: 'email',
    from: 'noah.schmidt@example.com',
    text: 'Good morning,\n\nCould you send me an invoice for order NW-10010? I need it for my expense report.\n\nBest regards,\nNoah Schmidt',
    expect: 'billing',
  },
  {
    channel: 'slack',
    from: 'U05NWSTORE1',
    text: 'customer at the Seattle store asks if we ship to Canada and how long it takes',
    expect: 'faq',
  },
  {
    channel: 'sms',
    from: '+15550107731',
    text: 'pls cancel NW-10014, ordered the wrong size',
    expect: 'orders',
  },
  {
    channel: 'web',
    from: 'visitor-olivia-41d0',
    text: 'I think I was charged twice for order NW-10009, I see two payments on my card',
    expect: 'billing',
  },
];

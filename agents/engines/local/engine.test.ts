import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeployment } from '../../../config/deployment/index.ts';
import { ANONYMOUS_ASKER, type Asker } from '../../../src/core/order-access.ts';
import { parseMarkdownArticle } from '../../../src/core/knowledge.ts';
import { splitPassages } from '../../../src/core/passages.ts';
import { ROOT } from '../../../test/support/paths.ts';
import type { AgentRunInput, AgentTools } from '../../../src/core/ports.ts';
import type { Conversation, Message, Order, PassageHit } from '../../../src/core/types.ts';
import { buildVocabulary } from './answerability.ts';
import { cleanForTriage } from './clean-text.ts';
import { createEngineContext } from './engine-context.ts';
import { createLocalEngine } from './engine.ts';
import { isFollowUp } from './memory.ts';

const agentGraph = loadDeployment().graph;

const order: Order = {
  id: 'NW-10001', contactEmail: 'a@example.com', contactPhone: null, status: 'shipped', items: [{ sku: 'J1', name: 'Rain Jacket', quantity: 1, priceCents: 9900 }],
  totalCents: 9900, currency: 'USD', placedAt: 0, shippedAt: Date.UTC(2026, 10, 20), deliveredAt: null, carrier: 'UPS', trackingNumber: '1Z999', estimatedDelivery: Date.UTC(2026, 10, 25),
};
const delivered: Order = { ...order, id: 'NW-10002', status: 'delivered', deliveredAt: Date.UTC(2026, 10, 24) };

const articles = [
  {
    id: 'hours', slug: 'store-hours', title: 'Store locations and opening hours',
    body: 'Visit our store at 1 Pine Street.\n\n**Opening hours**\n\n- Monday to Saturday: 10 am – 8 pm\n- Sunday: 11 am – 6 pm\n\n**In-store services**\n\nFree gift wrapping.',
  },
  {
    id: 'missing', slug: 'missing-package', title: 'Damaged or missing package',
    body: '**Marked as delivered but not there?**\n\nCheck with neighbours and wait 48 hours, then contact us within 14 days.\n\n**Damaged parcel**\n\nTake photos of the packaging.',
  },
];
const passages: PassageHit[] = articles.flatMap((a) =>
  splitPassages(a).map((p) => ({ passage: { id: `${a.id}:${p.position}`, articleId: a.id, slug: a.slug, title: a.title, ...p }, score: 1 })),
);
const vocabulary = buildVocabulary(passages.map((h) => `${h.passage.title} ${h.passage.heading ?? ''} ${h.passage.text}`));

function input(text: string, agentState: Record<string, unknown> | null = null, asker: Asker = ANONYMOUS_ASKER): AgentRunInput {
  const tools: AgentTools = {
    searchKnowledge: async () => [],
    searchPassages: async () => passages,
    lookupOrder: async (id) => [order, delivered].find((o) => o.id === id) ?? null,
    ordersForEmail: async () => [],
  };
  return {
    conversation: { id: 'c', agentState } as Conversation,
    contact: { id: 'p', name: null, email: null, createdAt: 0, updatedAt: 0 },
    message: { text } as Message,
    history: [],
    tools,
    asker,
  };
}

const owner: Asker = { emails: ['A@example.com'], phones: [] };
const engineSaying = (label: string, confidence = 0.95) =>
  createLocalEngine({ graph: agentGraph, classify: () => ({ label, confidence }), vocabulary, isKnownWord: (w) => !/^(asdkjh|qwe)$/.test(w) });

/** Runs a dialogue through one engine, carrying the agent state like the pipeline does. */
async function dialogue(engine: ReturnType<typeof engineSaying>, turns: string[], asker: Asker = ANONYMOUS_ASKER) {
  let state: Record<string, unknown> | null = null;
  const results = [];
  for (const text of turns) {
    const result = await engine.run(input(text, state, asker));
    if (result.state !== undefined) state = result.state;
    results.push(result);
  }
  return results;
}

describe('local engine: orders and their privacy', () => {
  it('answers the verified owner from the order system', async () => {
    const result = await engineSaying('track_order').run(input('where is NW 10001?', null, owner));
    expect(result).toMatchObject({ agent: 'orders', route: 'orders', confidence: 0.95 });
    expect(result.text).toContain('1Z999');
  });

  it('asks an anonymous asker for the order email, alike for existing and unknown orders, and answers once it matches', async () => {
    const engine = engineSaying('track_order');
    const [existing] = await dialogue(engine, ['where is NW-10001?']);
    const [unknown] = await dialogue(engine, ['where is NW-99999?']);
    expect(existing!.text).not.toContain('1Z999');
    expect(existing!.text.replace('NW-10001', 'X')).toBe(unknown!.text.replace('NW-99999', 'X'));
    const turns = await dialogue(engine, ['where is NW-10001?', 'it is a@example.com', 'and when will it arrive?']);
    expect(turns[1]!.text).toContain('1Z999');
    expect(turns[2]!.text).toContain('1Z999'); // remembered: verified order, no second check
  });

  it('hands over after three wrong emails and never shows the order', async () => {
    const turns = await dialogue(engineSaying('track_order'), ['NW-10001 status', 'b@example.com', 'c@example.com', 'd@example.com']);
    expect(turns.map((t) => t.text).join(' ')).not.toContain('1Z999');
    expect(turns[3]!.handoff).toBeDefined();
    expect(turns[3]!.ticket).toMatchObject({ status: 'escalated', category: 'order_verification_failed' });
  });

  it('gives the order just discussed when its tracking number is asked for again, whatever triage thought of it', async () => {
    const turns = await dialogue(engineSaying('store_policy'), ['where is NW-10001?', 'thanks! could you send me the tracking number again? I deleted the email'], owner);
    expect(turns[1]!.agent).toBe('orders');
    expect(turns[1]!.text).toContain('1Z999');
  });

  it('answers a follow-up about the rules from the knowledge base instead of saying the status again', async () => {
    const turns = await dialogue(engineSaying('track_order', 0.5), ['where is NW-10001?', 'can I pick it up at your store, what are the opening hours on sunday?', 'which carrier did you say it is with again?'], owner);
    expect(turns[0]!.text).toContain('1Z999');
    expect(turns[1]!.text).toMatch(/11 am/);
    expect(turns[1]!.state).toMatchObject({ orderId: 'NW-10001' });
    expect(turns[2]!.text).toContain('UPS'); // the order's own data is still the order's
  });

  it('asks for the order id, remembers why, and resumes with it', async () => {
    const [first, second] = await dialogue(engineSaying('track_order'), ['where is my parcel', 'it is nw-10001'], owner);
    expect(first!.state).toMatchObject({ awaiting: 'order_id', pendingIntent: 'track_order' });
    expect(second!.agent).toBe('orders');
    expect(second!.text).toContain('1Z999');
  });

  it('answers a question about the rules from the knowledge base, even when it mentions "my parcel"', async () => {
    const rules = await engineSaying('track_order').run(input('what happens if my parcel is marked as delivered but not there?'));
    expect(rules.text).toMatch(/48 hours/);
    expect(rules.state).not.toMatchObject({ awaiting: 'order_id' });
  });

  it('answers a question about the rules that mentions their order from the knowledge base, and asks for the number when they ask where it is', async () => {
    const engine = engineSaying('track_order');
    const rules = await engine.run(input('what are your opening hours, can I pick up my order at the store?'));
    expect(rules.text).toMatch(/10 am/);
    const progress = await engine.run(input('has my order shipped yet?'));
    expect(progress.state).toMatchObject({ awaiting: 'order_id' });
  });

  it('takes a request to list their orders to the order desk, whatever triage thought of it', async () => {
    for (const text of ['can you list the orders I have with you?', 'what orders do i have', 'show me my orders']) {
      const listed = await engineSaying('contact_customer_service').run(input(text));
      expect(listed.agent, text).toBe('orders');
      expect(listed.state, text).toMatchObject({ awaiting: 'order_id' });
    }
  });

  it('takes "ok, cancel that order" after its status as a new request about the same order', async () => {
    const engine = createLocalEngine({ graph: agentGraph, classify: (text) => ({ label: /cancel/.test(text) ? 'cancel_order' : 'track_order', confidence: 0.95 }), vocabulary });
    const [status, cancel] = await dialogue(engine, ['where is NW-10001?', 'ok then please cancel that order'], owner);
    expect(status!.text).toContain('1Z999');
    expect(cancel!.text).toMatch(/already shipped/); // the cancellation's answer for a shipped order, not its status again
  });

  it('keeps the case when the customer names the order again in a follow-up', async () => {
    const [first, again] = await dialogue(engineSaying('track_order'), ['NW-10002 says delivered but I never got it', "It's NW-10002."], owner);
    expect(first!.text).toMatch(/48 hours/);
    expect(again!.text).toMatch(/48 hours/);
  });

  it('asks for the order number in its shape when the customer gives one that is not ("NW-ABCDE"), and takes the right one next', async () => {
    const engine = engineSaying('complaint', 0.3);
    const [wrong, right] = await dialogue(engine, ['NW-ABCDE', 'sorry, NW-10001'], owner);
    expect(wrong!.handoff).toBeUndefined();
    expect(wrong!.text).toMatch(/NW-12345/);
    expect(right!.text).toContain('1Z999');
    // A street that starts with the prefix letters is no order number.
    expect(createEngineContext({ graph: agentGraph, classify: () => ({ label: 'x', confidence: 1 }) }).mentionsMalformedOrderId('the store on NW Glisan Street')).toBe(false);
  });

  it('says a shipped order\'s address cannot be changed here and how the carrier can redirect it, without a ticket', async () => {
    const moved = await engineSaying('change_shipping_address').run(input('can I still change the delivery address of NW-10001?', null, owner));
    expect(moved.text).toMatch(/already shipped with UPS/);
    expect(moved.text).toContain('1Z999');
    expect(moved.ticket).toBeUndefined();
  });

  it('refuses to cancel a shipped order', async () => {
    const shipped = await engineSaying('cancel_order').run(input('cancel NW-10001', null, owner));
    expect(shipped.text).toMatch(/already shipped/);
    expect(shipped.ticket).toBeUndefined();
  });

  it('gives a damaged parcel told as a complaint its procedure and asks for the order, unless a person is asked for', async () => {
    const engine = engineSaying('complaint');
    const [told, named] = await dialogue(engine, ['box came crushed and the jacket inside is ruined. what do you need from me', 'NW-10002'], owner);
    expect(told!.handoff).toBeUndefined();
    expect(told!.text).toMatch(/photos of the packaging/);
    expect(told!.state).toMatchObject({ awaiting: 'order_id' });
    expect(named!.ticket).toMatchObject({ category: 'damaged_item' });
    const person = await engine.run(input('box came crushed, I want to talk to a manager'));
    expect(person.handoff).toBeDefined();
  });

  it('takes a case told right after an order was discussed to that order, whatever triage read', async () => {
    const engine = createLocalEngine({ graph: agentGraph, classify: (text) => ({ label: /crushed/.test(text) ? 'check_refund_policy' : 'track_order', confidence: 0.95 }), vocabulary });
    const [, damaged] = await dialogue(engine, ['where is NW-10002?', 'the box came crushed, what do you need from me'], owner);
    expect(damaged!.ticket).toMatchObject({ category: 'damaged_item' });
    expect(damaged!.text).toMatch(/photos of the packaging/);
  });

  it('takes a wrong item to its case even when triage reads it as placing an order', async () => {
    const result = await engineSaying('place_order').run(input('you sent me a grey sweater instead of the blue one I ordered (NW-10002)', null, owner));
    expect(result.ticket).toMatchObject({ category: 'wrong_item' });
  });

  it('answers "any update on this?" after an order with the order, not the rules', async () => {
    const turns = await dialogue(engineSaying('track_order'), ['where is NW-10001?', 'Any update on this?'], owner);
    expect(turns[1]!.text).toContain('1Z999');
  });

  it('follows the missing-parcel procedure and opens a ticket instead of echoing "delivered"', async () => {
    for (const text of ['NW-10002 says delivered but I never got it', "NW-10002 shows as delivered yesterday but there's nothing here", 'tracking says NW-10002 was delivered, no parcel at my door']) {
      const result = await engineSaying('track_order').run(input(text, null, owner));
      expect(result.text, text).toMatch(/48 hours/);
      expect(result.ticket, text).toMatchObject({ category: 'missing_parcel' });
    }
  });
});

describe('local engine: cases with a waiting time', () => {
  it('gives the steps without a ticket while the procedure says to wait, and opens one after', async () => {
    const at = (ms: number) => createLocalEngine({ graph: agentGraph, classify: () => ({ label: 'track_order', confidence: 0.95 }), vocabulary, now: () => ms });
    const early = await at(delivered.deliveredAt! + 3_600_000).run(input('NW-10002 says delivered but I never got it', null, owner));
    expect(early.ticket).toBeUndefined();
    expect(early.text).toMatch(/48 hours/);
    const late = await at(delivered.deliveredAt! + 72 * 3_600_000).run(input('NW-10002 says delivered but I never got it', null, owner));
    expect(late.ticket).toMatchObject({ category: 'missing_parcel' });
  });
});

describe('local engine: knowledge, memory and small talk', () => {
  it('answers with the passage that states the fact, and remembers the topic for a follow-up', async () => {
    const engine = engineSaying('store_policy');
    const [hours, sunday] = await dialogue(engine, ['what are your opening hours?', 'and on Sunday?']);
    expect(hours!.text).toContain('10 am – 8 pm');
    expect(hours!.text).not.toContain('1 Pine Street');
    expect(sunday!.text).toContain('11 am – 6 pm');
    expect(sunday!.handoff).toBeUndefined();
  });

  it('takes a correction ("sorry, I meant Sunday") as the same topic with one detail changed', async () => {
    const engine = createLocalEngine({ graph: agentGraph, classify: (text) => ({ label: /hours/.test(text) ? 'store_policy' : 'check_payment_methods', confidence: 0.95 }), vocabulary });
    const [, sunday] = await dialogue(engine, ['what are your opening hours?', 'sorry, I meant sunday']);
    expect(sunday!.text).toContain('11 am – 6 pm');
    expect(sunday!.handoff).toBeUndefined();
    // However many words it has, and however sure triage is of them.
    expect(isFollowUp('sorry, I meant express delivery to the UK', 4, true)).toBe(true);
    expect(isFollowUp('I meant the Chicago store', 2, true)).toBe(true);
    expect(isFollowUp('I want express delivery to the UK', 4, true)).toBe(false);
  });

  it('quotes a sibling section of the same article that ranks almost as high, and no unrelated one', async () => {
    const promo = {
      id: 'promo', slug: 'promo-codes', title: 'Promo codes',
      body: '**How to use a promo code**\n\nEnter the promo code at checkout and press Apply.\n\n**Rules**\n\nOne promo code per order: codes cannot be combined.\n\n**Newsletter**\n\nSign up for news and offers.',
    };
    const hits: PassageHit[] = splitPassages(promo).map((p) => ({ passage: { id: `promo:${p.position}`, articleId: promo.id, slug: promo.slug, title: promo.title, ...p }, score: 1 }));
    const engine = createLocalEngine({ graph: agentGraph, classify: () => ({ label: 'store_policy', confidence: 0.95 }), vocabulary: buildVocabulary(hits.map((h) => `${h.passage.title} ${h.passage.heading ?? ''} ${h.passage.text}`)) });
    const question = input('can I use two promo codes on one order?');
    const result = await engine.run({ ...question, tools: { ...question.tools, searchPassages: async () => hits } });
    expect(result.text).toContain('Enter the promo code');
    expect(result.text).toContain('cannot be combined');
    expect(result.text).not.toContain('Sign up');
  });

  it('quotes a long section from its start, where its steps are, with the passage that matches best', async () => {
    const returns = { id: 'returns', ...parseMarkdownArticle('how-to-return.md', readFileSync(join(ROOT, 'config/demo/kb/how-to-return.md'), 'utf8')) };
    const hits: PassageHit[] = splitPassages(returns).map((p) => ({ passage: { id: `returns:${p.position}`, articleId: returns.id, slug: returns.slug, title: returns.title, ...p }, score: 1 }));
    const engine = createLocalEngine({ graph: agentGraph, classify: () => ({ label: 'store_policy', confidence: 0.95 }), vocabulary: buildVocabulary(hits.map((h) => `${h.passage.title} ${h.passage.heading ?? ''} ${h.passage.text}`)) });
    const question = input('how do returns work?');
    const result = await engine.run({ ...question, tools: { ...question.tools, searchPassages: async () => hits } });
    expect(result.text).toContain('prepaid label');
  });

  it('weighs every section of the article a follow-up continues, also those the search did not return', async () => {
    const intl = { id: 'intl', slug: 'international-shipping', title: 'International shipping', body: 'We ship to Canada and the UK.\n\n| Option | Delivery time |\n|---|---|\n| International Standard | 7–14 business days |\n\n**Duties and taxes**\n\nFor Canada, duties are paid at checkout, so there is nothing more to pay on delivery.' };
    const all: PassageHit[] = splitPassages(intl).map((p) => ({ passage: { id: `intl:${p.position}`, articleId: intl.id, slug: intl.slug, title: intl.title, ...p }, score: 1 }));
    const duties = all.filter((h) => h.passage.heading === 'Duties and taxes');
    const engine = createLocalEngine({
      graph: agentGraph,
      classify: () => ({ label: 'store_policy', confidence: 0.95 }),
      vocabulary: buildVocabulary(all.map((h) => `${h.passage.title} ${h.passage.heading ?? ''} ${h.passage.text}`)),
      passagesOf: (slug) => all.map((h) => h.passage).filter((p) => p.slug === slug),
    });
    let state: Record<string, unknown> | null = null;
    const replies = [];
    for (const text of ['do I pay duties on delivery to Canada?', 'and how long does standard take to get there?']) {
      const question = input(text, state);
      // The search, led by the topic's words, finds only the duties section.
      const result = await engine.run({ ...question, tools: { ...question.tools, searchPassages: async () => duties } });
      state = result.state ?? state;
      replies.push(result.text);
    }
    expect(replies[0]).toMatch(/paid at checkout/);
    expect(replies[1]).toMatch(/7–14 business days/);
  });

  it('quotes a runner-up of another article that ranks almost as high, naming both articles, and not one far behind', async () => {
    const delivery = [
      { id: 'times', slug: 'delivery-times', title: 'Delivery times', body: '**Transit**\n\nNext-day delivery: 1 business day if you order by 1 pm.' },
      { id: 'costs', slug: 'shipping-costs', title: 'Shipping costs', body: '**Prices**\n\nNext-day delivery costs $24.95.' },
      { id: 'gifts', slug: 'gift-cards', title: 'Gift cards', body: '**Values**\n\nGift cards from $10 to $500, delivered by email.' },
    ];
    const hits: PassageHit[] = delivery.flatMap((a) => splitPassages(a).map((p) => ({ passage: { id: `${a.id}:${p.position}`, articleId: a.id, slug: a.slug, title: a.title, ...p }, score: a.id === 'gifts' ? 0.1 : 1 })));
    const engine = createLocalEngine({ graph: agentGraph, classify: () => ({ label: 'store_policy', confidence: 0.95 }), vocabulary: buildVocabulary(hits.map((h) => `${h.passage.title} ${h.passage.heading ?? ''} ${h.passage.text}`)) });
    const question = input('next-day delivery?');
    const result = await engine.run({ ...question, tools: { ...question.tools, searchPassages: async () => hits } });
    expect(result.text).toContain('1 business day');
    expect(result.text).toContain('$24.95');
    expect(result.text).toContain('articles "');
    expect(result.text).not.toContain('Gift cards from');
  });

  it('judges a question told with a story by what it asks, not by the story\'s words alone', async () => {
    const result = await engineSaying('store_policy').run(input('Sorry, my cat walked across the keyboard and knocked my tea over the laptop. What are your opening hours on Sunday?'));
    expect(result.handoff).toBeUndefined();
    expect(result.text).toMatch(/11 am/);
  });

  it('hands a question neither answered nor surely of its intent to a person, not to that intent\'s case', async () => {
    const guessed = await engineSaying('payment_issue', 0.65).run(input('is the fabric of the linen dress see-through?'));
    expect(guessed.handoff).toMatchObject({ reason: 'unanswerable' });
    const sure = await engineSaying('payment_issue', 0.95).run(input('why was I charged twice for the same order?'));
    expect(sure.ticket).toMatchObject({ category: 'payment' });
  });

  it('hands a question the knowledge base cannot answer to a person, with a ticket', async () => {
    const result = await engineSaying('store_policy').run(input('do you sell wholesale to retailers?'));
    expect(result.handoff).toBeDefined();
    expect(result.ticket).toMatchObject({ status: 'escalated', category: 'unanswerable' });
  });

  it('answers greetings, thanks, refusals and gibberish without a ticket, and keeps the bot in charge', async () => {
    for (const text of ['hi', 'hello there', 'ok thanks!', 'asdkjh qwe', '   ', '👍', "' OR 1=1 --", 'nope', 'bye for now', "ok that's it, have a great day"]) {
      const result = await engineSaying('complaint', 0.3).run(input(text));
      expect(result.route, text).toBe('small_talk');
      expect(result.ticket, text).toBeUndefined();
      expect(result.handoff, text).toBeUndefined();
    }
  });

  it('answers a question about who is answering, without handing over', async () => {
    for (const text of ['am I talking to a real person?', 'wait am i talking to a real person?', 'is this an AI or a human', 'are you a bot']) {
      const result = await engineSaying('contact_human_agent', 0.95).run(input(text));
      expect(result.route, text).toBe('small_talk');
      expect(result.text, text).toMatch(/virtual assistant/);
      expect(result.handoff, text).toBeUndefined();
    }
  });

  it('hands over when a person is asked for right after an answer, not reading it as a follow-up', async () => {
    let label = 'store_policy';
    const engine = createLocalEngine({ graph: agentGraph, classify: () => ({ label, confidence: 0.95 }), vocabulary });
    const hours = await engine.run(input('what are your opening hours?'));
    label = 'contact_human_agent';
    const person = await engine.run(input("that doesn't help. get me an agent", hours.state ?? null));
    expect(person.handoff).toBeDefined();
    expect(person.ticket).toMatchObject({ category: 'human_requested', status: 'escalated' });
  });

  it('never fails on words that are names of object properties', async () => {
    for (const text of ['constructor', '__proto__', 'toString hasOwnProperty']) {
      await expect(engineSaying('complaint', 0.3).run(input(text))).resolves.toMatchObject({ agent: expect.any(String) });
    }
  });

  it('hands a message in a language the deployment does not answer in to a person, noting it', async () => {
    const engine = createLocalEngine({ graph: agentGraph, classify: () => ({ label: 'track_order', confidence: 0.9 }), detectLanguage: () => 'es', isKnownWord: () => false });
    const result = await engine.run(input('Dónde está mi pedido? No ha llegado todavía'));
    expect(result.ticket).toMatchObject({ category: 'other_language:es', status: 'escalated' });
  });

  it('escalates below the confidence threshold when nothing answers', async () => {
    const result = await engineSaying('complaint', 0.3).run(input('the jacket zipper stuff is weird and bad'));
    expect(result.agent).toBe('escalation');
    expect(result.ticket).toMatchObject({ status: 'escalated' });
  });
});

describe('cleanForTriage', () => {
  it('keeps the new words of an email and drops greeting, quote and signature', () => {
    const email = 'Hi there,\n\nWhere is my order NW-10001?\n\nThanks,\nJane\n\nOn Mon, 23 Nov 2026 at 10:00, Support <support@example.com> wrote:\n> Your order shipped.';
    expect(cleanForTriage(email)).toBe('Where is my order NW-10001?');
  });

  it('drops a last paragraph that is only a name, a title or a company, and keeps one that is a sentence', () => {
    expect(cleanForTriage("Hi,\n\nwhat's your return window?\n\nMaria")).toBe("what's your return window?");
    expect(cleanForTriage('Good afternoon,\n\nWho is the right contact for press?\n\nElena Brandt\nSenior Editor\nTrail & Peak')).toBe('Who is the right contact for press?');
    expect(cleanForTriage("Where is my order?\n\nIt's NW-10013.")).toBe("Where is my order?\n\nIt's NW-10013.");
    expect(cleanForTriage('Where is my order?\n\nIt was a gift for my mother.')).toBe('Where is my order?\n\nIt was a gift for my mother.');
  });

  it('never returns nothing', () => {
    expect(cleanForTriage('Hello!')).toBe('Hello!');
  });

  it('drops a greeting or thanks on the request\'s own line, and formal sign-offs', () => {
    expect(cleanForTriage('Hi Sam, where is my refund?')).toBe('where is my refund?');
    expect(cleanForTriage('hey there - can you cancel my order? Thanks!')).toBe('can you cancel my order?');
    expect(cleanForTriage('Dear Customer Service Team,\nI would like a refund.\n\nYours faithfully,\nJohn Doe\nAcme Ltd')).toBe('I would like a refund.');
    expect(cleanForTriage('Hi,\nPlease cancel my order.\n\nSent from my Galaxy')).toBe('Please cancel my order.');
  });

  it('keeps a first line that asks something, and what is little more than a greeting or thanks', () => {
    // Not a greeting line: it carries the request.
    expect(cleanForTriage('Hi, I cannot log in\nAny ideas?')).toBe('I cannot log in\nAny ideas?');
    expect(cleanForTriage('hello my order, where is it')).toBe('hello my order, where is it');
    expect(cleanForTriage('ok thanks!')).toBe('ok thanks!');
    expect(cleanForTriage('hi, anyone there?')).toBe('hi, anyone there?');
  });
});

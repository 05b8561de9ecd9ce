import { describe, expect, it } from 'vitest';
import { bestPassage, buildVocabulary, contentWords, expandQuery, focusOf, phrasalCompounds, stem, topicality, type PassageText } from './answerability.ts';
import { candidateSections } from './knowledge-answers.ts';

const sections: PassageText[] = [
  { title: 'Shipping options and costs', heading: null, text: '| Option | Cost |\n|---|---|\n| Standard | $5.95 |\n| Next-day | $24.95 |' },
  { title: 'Changing your delivery address', heading: 'Saving addresses for next time', text: 'Save your delivery address for next time: the day you order, choose it in one click.' },
  { title: 'Delivery times', heading: 'Transit', text: 'Standard delivery takes 4–6 days from the day it ships.' },
];
const vocabulary = buildVocabulary(sections.map((s) => `${s.title} ${s.heading ?? ''} ${s.text}`));

describe('question words', () => {
  it('keeps a hyphenated word whole as well as its parts', () => {
    expect(contentWords('how much is next-day delivery?')).toEqual(expect.arrayContaining(['next', 'day', 'nextday']));
  });

  it('spells out shorthand that holds digits', () => {
    expect(contentWords('and the 2fa codes?')).toEqual(expect.arrayContaining(['two', 'step', 'verifica']));
    expect(contentWords('and the 2fa codes?')).not.toContain('fa');
  });
});

describe('bestPassage', () => {
  it('prefers the passage that names the compound over ones that share its common parts', () => {
    const best = bestPassage('how much is next-day delivery?', sections.map((passage) => ({ passage })), vocabulary);
    expect(best?.hit.passage.title).toBe('Shipping options and costs');
  });

  it('reports the other candidates in rank order and how close each came', () => {
    const best = bestPassage('standard delivery', sections.map((passage) => ({ passage })), vocabulary)!;
    expect(best.alternatives.length).toBeGreaterThan(0);
    expect(best.alternatives.map((a) => a.hit)).not.toContain(best.hit);
    const shares = best.alternatives.map((a) => a.share);
    expect(shares[0]).toBeGreaterThan(0);
    expect(shares[0]).toBeLessThanOrEqual(1);
    expect(shares).toEqual([...shares].sort((x, y) => y - x));
  });

  it('offers as alternatives only candidates stating the kind of fact asked, when the best one states it', () => {
    const best = bestPassage('how long does standard delivery take?', sections.map((passage) => ({ passage })), vocabulary)!;
    expect(best.hit.passage.heading).toBe('Transit');
    expect(best.alternatives.every((a) => /\d/.test(a.hit.passage.text))).toBe(true);
  });
});

describe('the kind of fact asked', () => {
  const contact: PassageText[] = [
    { title: 'Changing your profile details', heading: 'Name, phone number and birthday', text: 'Edit your name, phone number or birthday and click Save. Your phone number is used for delivery updates.' },
    { title: 'Contact customer service', heading: 'Ways to reach us', text: 'Call us on 1-800-555-0142 or write to us through the form.' },
  ];
  const words = buildVocabulary(contact.map((s) => `${s.title} ${s.heading ?? ''} ${s.text}`));

  it('takes "there are none" as the answer to a question about a fee, over a section that only offers something free', () => {
    const cancelling: PassageText[] = [
      { title: 'Cancelling an order', heading: null, text: 'Cancel an order in My Orders within the first hour. Once it has shipped, return it for free instead.' },
      { title: 'Cancelling an order', heading: 'Cancellation fees', text: 'There are none. A cancelled order is refunded in full.' },
    ];
    const words = buildVocabulary(cancelling.map((s) => `${s.title} ${s.heading ?? ''} ${s.text}`));
    // The search ranks the fees section first; the one that says "free" must not outrank it for stating an amount.
    const hits = cancelling.map((passage, i) => ({ passage, score: i === 0 ? 1 : 1.3 }));
    expect(bestPassage('is there a fee if i cancel my order?', hits, words)?.hit.passage.heading).toBe('Cancellation fees');
  });

  it('prefers the section holding a phone number over one that only talks about phone numbers', () => {
    // The search engine ranks the profile section first, as full-text search does for this wording.
    const best = bestPassage('what’s your phone number?', [{ passage: contact[0]!, score: 1 }, { passage: contact[1]!, score: 0.7 }], words);
    expect(best?.hit.passage.heading).toBe('Ways to reach us');
  });
});

describe('topicality of a word the knowledge base does not use', () => {
  it('is small for everyday words and whole for words rare in what customers write', () => {
    const [yesterday, give, wholesale] = ['yesterday', 'give', 'wholesale'].map((w) => topicality(contentWords(w)[0]!));
    expect(yesterday).toBeLessThan(0.6);
    expect(give).toBeLessThan(yesterday!);
    expect(wholesale).toBe(1);
  });
});

describe('stem', () => {
  it('cuts endings only where a syllable stays', () => {
    expect(['returns', 'returned', 'boxes', 'bring', 'string', 'uses'].map(stem)).toEqual(['return', 'return', 'box', 'bring', 'string', 'use']);
  });
});

describe('a follow-up', () => {
  const account: PassageText[] = [
    { title: 'Password reset', heading: 'Reset link', text: 'The password reset link in the email is valid for 60 minutes and works once.' },
    { title: 'Two-step verification', heading: 'Codes', text: 'Verification codes expire after 10 minutes.' },
  ];
  const words = buildVocabulary([...account, ...sections].map((s) => `${s.title} ${s.heading ?? ''} ${s.text}`));
  const candidates = account.map((passage) => ({ passage, score: 1 }));

  it('is answered by what its own words ask, with the topic as context, in the kind of fact the topic asked', () => {
    const best = bestPassage('and the verification codes?', candidates, words, 'how long is the password reset link valid?')!;
    expect(best.hit.passage.heading).toBe('Codes');
    // Read as one question, the topic's words outweigh the follow-up's.
    expect(bestPassage('how long is the password reset link valid? and the verification codes?', candidates, words)!.hit.passage.heading).toBe('Reset link');
  });
});

describe('expandQuery', () => {
  it('spells out shorthand for the search, which reads only the customer\'s spelling', () => {
    const words = buildVocabulary(['Two-step verification codes expire after 10 minutes.', 'Your account settings']);
    expect(expandQuery('2fa codes?', words)).toMatch(/two step verification/);
    expect(expandQuery('acct settings', words)).toMatch(/account/);
  });
});

describe('candidateSections', () => {
  it('reads "how do returns work?" as a question about returns, and keeps a "work" that is the topic', () => {
    expect(contentWords('how do returns work?')).not.toContain('work');
    expect(contentWords('my zip does not work')).toContain('work');
  });

  it('searches a "how long" question for its topic, not for "long"', async () => {
    const searched: string[] = [];
    await candidateSections(async (query) => (searched.push(query), []), 'how long does express take?', undefined);
    expect(searched).toHaveLength(1);
    expect(searched[0]).toMatch(/express/);
    expect(searched[0]).not.toMatch(/\blong\b/);
  });
});

describe('what a question asks to exist or be offered', () => {
  it('is the words after "is there", "do you sell/have", "can I bring", up to a preposition', () => {
    expect(focusOf('is there parking near the Denver store?')).toEqual([stem('parking')]);
    expect(focusOf('do you sell wholesale to other shops?')).toEqual([stem('wholesale')]);
    expect(focusOf('can I bring my dog into the Portland shop')).toEqual(['dog']);
    expect(focusOf('do you have a student discount?')).toEqual(['student', 'discount']);
    expect(focusOf('do you guys sell wetsuits?')).toEqual([stem('wetsuits')]);
    expect(focusOf('does your store have parking')).toEqual([stem('parking')]);
    expect(focusOf('where is the Denver store?')).toEqual([]);
  });

  it('weighs against a passage that names the place but not what is asked about it', () => {
    const stores: PassageText[] = [
      { title: 'Store locations and opening hours', heading: null, text: '| Store | Address |\n|---|---|\n| Denver | 1555 Blake Street, Denver |\n| Seattle | 1420 Pine Street, Seattle |' },
      { title: 'Store locations and opening hours', heading: 'Opening hours', text: 'Monday to Saturday: 10 am – 8 pm.' },
      { title: 'Shipping options and costs', heading: null, text: 'Standard delivery costs $5.95; free over $50.' },
    ];
    const words = buildVocabulary(stores.map((s) => `${s.title} ${s.heading ?? ''} ${s.text}`));
    const parking = bestPassage('is there parking near the Denver store?', stores.map((passage) => ({ passage })), words)!;
    const address = bestPassage('is there a store in Denver?', stores.map((passage) => ({ passage })), words)!;
    expect(parking.features.focusMissing).toBe(1);
    expect(address.features.focusMissing).toBe(0);
    expect(parking.probability).toBeLessThan(address.probability);
  });
});

describe('phrasal verbs written as one word', () => {
  it('reads "pick up" as "pickup" when the knowledge base writes it so, and only then', () => {
    const words = buildVocabulary(['Free in-store pickup: choose it at checkout.', 'Opening hours of our stores.']);
    expect(phrasalCompounds('can I pick up my order at a store?', words)).toEqual(['pickup']);
    expect(phrasalCompounds('can I pick up my order at a store?', vocabulary)).toEqual([]);
    expect(phrasalCompounds('how do I log in?', words)).toEqual([]);
  });
});

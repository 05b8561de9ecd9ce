/**
 * Text normalisation for the embedded classifier.
 *
 * Support messages arrive as emails, SMS and chat: mixed case, accents, "pleeease", "u", "pls".
 * Folding those variants onto one spelling lets a few thousand training rows cover far more
 * real-world phrasing than they literally contain.
 */
import { foldText } from '../../../../src/core/text.ts';

/** SMS / chat shorthand → the word it stands for. Only unambiguous, common ones. */
const SHORTHAND: ReadonlyMap<string, string> = new Map(Object.entries({
  u: 'you',
  ya: 'you',
  yu: 'you',
  ur: 'your',
  urs: 'yours',
  r: 'are',
  pls: 'please',
  plz: 'please',
  pleas: 'please',
  thx: 'thanks',
  thnx: 'thanks',
  thanx: 'thanks',
  tks: 'thanks',
  ty: 'thank you',
  ord: 'order',
  ordr: 'order',
  acct: 'account',
  acc: 'account',
  accnt: 'account',
  pw: 'password',
  pwd: 'password',
  passwd: 'password',
  pswd: 'password',
  msg: 'message',
  addr: 'address',
  b4: 'before',
  '2day': 'today',
  '2fa': 'two step verification',
  mfa: 'two step verification',
  tmrw: 'tomorrow',
  tmr: 'tomorrow',
  cant: 'cannot',
  wont: 'will not',
  dont: 'do not',
  doesnt: 'does not',
  didnt: 'did not',
  isnt: 'is not',
  im: 'i am',
  ive: 'i have',
  wanna: 'want to',
  gonna: 'going to',
  pmt: 'payment',
  refnd: 'refund',
  cc: 'credit card',
  asap: 'as soon as possible',
  w: 'with',
  wo: 'without',
  bc: 'because',
  cuz: 'because',
  coz: 'because',
  abt: 'about',
  nd: 'and',
  n: 'and',
  hw: 'how',
  hrs: 'hours',
  intl: 'international',
  hr: 'hour',
  mins: 'minutes',
  info: 'information',
  wk: 'week',
  wks: 'weeks',
  pkg: 'package',
  pkge: 'package',
  shipg: 'shipping',
  deliv: 'delivery',
  rtn: 'return',
}));

const URL = /\b(?:https?:\/\/|www\.)\S+/g;
const EMAIL = /\b[\w.+-]+@[\w-]+\.[\w.-]+\b/g;
// Three or more of the same letter never occur in English words: "soooo" → "soo".
const REPEATS = /(\p{L})\1{2,}/gu;
const APOSTROPHES = /['’‘`´]/g;
const NON_WORD = /[^\p{L}\p{N}]+/u;

/**
 * Normalises a message: lowercase, Unicode NFKD with accents stripped, URLs/e-mail addresses
 * and digits replaced by placeholder tokens, letter runs collapsed, apostrophes removed and SMS
 * shorthand expanded. Returns the tokens joined by single spaces.
 */
export function normalizeText(text: string): string {
  return tokenize(text).join(' ');
}

/** {@link normalizeText} as a token list (what the feature extractor consumes). */
export function tokenize(text: string): string[] {
  const folded = foldText(text).replace(URL, ' xurlx ').replace(EMAIL, ' xemailx ').replace(APOSTROPHES, '').replace(REPEATS, '$1$1');
  const out: string[] = [];
  for (const word of folded.split(NON_WORD)) {
    if (!word) continue;
    // A Map, not an object: user words such as "constructor" must not reach Object.prototype.
    // Looked up before digits are folded, so "b4" and "2fa" are found.
    const expanded = SHORTHAND.get(word);
    if (expanded) out.push(...expanded.split(' '));
    // Order numbers, amounts and dates matter by shape, not value.
    else out.push(...word.replace(/\p{N}+/gu, ' 0 ').split(' ').filter(Boolean));
  }
  return out;
}

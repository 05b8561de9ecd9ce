/**
 * Messages that are not requests: greetings, thanks, goodbyes, acknowledgements, and text with
 * nothing to go on (empty, emoji or punctuation only, letters that form no word). They get a short
 * reply from the bot and never a ticket: a "hello" is not a reason to wake a person up.
 *
 * A message is small talk only when ALL of it is: "hi, where is my order?" is a request.
 */
import { foldText } from '../../../src/core/text.ts';

export type SmallTalkKind = 'greeting' | 'thanks' | 'goodbye' | 'acknowledgement' | 'bot_identity' | 'unclear' | 'empty';

/** Phrases per kind, folded (lower case, no accents). Longer phrases are matched first. */
const PHRASES: Record<Exclude<SmallTalkKind, 'unclear' | 'empty'>, string[]> = {
  greeting: [
    'hi', 'hii', 'hiya', 'hello', 'helo', 'hallo', 'hey', 'heya', 'heyy', 'yo', 'howdy', 'greetings', 'good morning', 'good afternoon',
    'good evening', 'morning', 'evening', 'anyone there', 'is anyone there', 'anybody there', 'are you there', 'you there',
    'how are you', 'how are you doing', 'hows it going', 'whats up', 'sup', 'hope you are well', 'hope youre well',
    'hope you are doing well', 'hope youre doing well', 'hope all is well', 'i have a question', 'i have a quick question',
    'quick question', 'a quick question', 'i need some help', 'can you help me', 'can i ask something', 'can i ask a question',
  ],
  thanks: [
    'thanks', 'thank you', 'thankyou', 'thx', 'thnx', 'thanx', 'ty', 'tysm', 'cheers', 'much appreciated', 'appreciate it',
    'many thanks', 'thanks a lot', 'thank you so much', 'thanks so much', 'great thanks', 'perfect thanks', 'brilliant',
  ],
  goodbye: ['no', 'nope', 'nah', 'bye', 'bye bye', 'goodbye', 'good bye', 'see you', 'see ya', 'cya', 'later', 'have a nice day', 'have a good day', 'have a great day',
    'have a good one', 'take care', 'good night', 'talk soon', 'talk later', 'speak soon', 'catch you later', 'ttyl'],
  acknowledgement: [
    'ok', 'okay', 'okey', 'okie', 'k', 'kk', 'cool', 'great', 'perfect', 'got it', 'gotcha', 'sounds good', 'alright', 'all right',
    'understood', 'noted', 'sure', 'awesome', 'nice', 'fine', 'excellent', 'wonderful', 'lovely', 'that helps', 'that helped',
    'makes sense', 'will do', 'all good', 'no worries', 'np', 'yep', 'yup', 'good', 'super', 'amazing', 'fantastic', 'that is all',
    'thats all', 'thats it', 'thats everything', 'nothing else', 'no thanks', 'no thank you', 'im good', 'all set', 'hold on', 'one sec', 'one second',
    'just a sec', 'just a second', 'one moment', 'give me a moment', 'wait', 'brb',
  ],
  bot_identity: [
    'are you a bot', 'are you a robot', 'are you human', 'are you a human', 'are you a real person', 'are you real',
    'is this a bot', 'who are you', 'what are you',
  ],
};

/** "Am I talking to a real person?", "is this an AI?", "are you a chatbot or a human": asking who answers, nothing more. */
const WHO = '(a |an )?(real |actual |live )?(bot|robot|chatbot|chat bot|human|person|ai|machine|computer|automated|automatic|agent)( or (a |an )?(real |actual |live )?\\w+)?';
const OPENER = '((hi|hello|hey|wait|so|ok|okay|um|hmm|sorry|oh|quick question) )*';
const BOT_QUESTION = new RegExp(`^${OPENER}(am i|are we) (talking|chatting|speaking|writing) (to|with) ${WHO}$|^${OPENER}(are you|is this|is that) ${WHO}$`);

/** Words that may surround small talk without making it a request ("hi there team", "thanks so much guys"). */
const FILLER = new Set(
  'there team all guys folks everyone again so very much lot a you for the help your support and oh ah well then now today everything just really that this is it was i am im sorry sir madam please pls'.split(' '),
);

/** Words that carry no request on their own. */
const LITTLE_WORDS = new Set('a an and or not of to in on at by as if is be it the'.split(' '));

const KIND_ORDER: (keyof typeof PHRASES)[] = ['bot_identity', 'thanks', 'goodbye', 'greeting', 'acknowledgement'];
const phraseList = KIND_ORDER.flatMap((kind) => PHRASES[kind].map((phrase) => ({ kind, words: phrase.split(' ') }))).sort(
  (a, b) => b.words.length - a.words.length,
);

const words = (text: string) => foldText(text).replace(/['’]/g, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/**
 * What kind of small talk the message is, or null for a request. `isKnownWord` tells whether a
 * word means something to this deployment (the classifier's or knowledge base's vocabulary):
 * a message with letters but no known word at all is `unclear`.
 */
export function detectSmallTalk(text: string, isKnownWord: (word: string) => boolean): SmallTalkKind | null {
  const tokens = words(text);
  if (tokens.length === 0) return 'empty';
  if (BOT_QUESTION.test(tokens.join(' '))) return 'bot_identity';
  const found = new Set<SmallTalkKind>();
  let i = 0;
  outer: while (i < tokens.length) {
    for (const { kind, words: phrase } of phraseList) {
      if (phrase.every((w, k) => tokens[i + k] === w)) {
        found.add(kind);
        i += phrase.length;
        continue outer;
      }
    }
    if (!FILLER.has(tokens[i]!)) break;
    i += 1;
  }
  if (i === tokens.length && found.size > 0) {
    // "thanks, bye" is a goodbye; "hi, thanks" is thanks: the most final thing said wins.
    for (const kind of ['bot_identity', 'goodbye', 'thanks', 'acknowledgement', 'greeting'] as const) if (found.has(kind)) return kind;
  }
  // Letters, but not one word this deployment knows beyond little words ("' OR 1=1 --"), and no
  // digits that could be an order number.
  const saysNothing = (t: string) => !isKnownWord(t) || LITTLE_WORDS.has(t) || /^\d{1,2}$/.test(t);
  if (tokens.length <= 6 && !/\d{3}/.test(text) && tokens.every(saysNothing)) return 'unclear';
  return null;
}

/**
 * Telling a message written in a language the deployment does not answer in, reliably enough to
 * hand it to a person rather than guess at it.
 */
import type { EngineContext } from './engine-context.ts';

/** Words from which a language can be told apart reliably. */
const LANGUAGE_MIN_WORDS = 3;
const LANGUAGE_MIN_LETTERS = 8;
/** Languages written in the Latin script (a message in another script is in none of them). */
const LATIN_SCRIPT = new Set('en es fr de it pt nl sv no da fi pl cs sk sl hr ro hu tr id ms vi ca et lv lt ga cy is af sq tl sw'.split(' '));

/** The message's language when it is reliably one the deployment does not answer in (`und` for an unknown one in another script). */
export function otherLanguageOf(ctx: EngineContext, text: string): string | null {
  const { deps, graph, isKnownWord } = ctx;
  if (!deps.detectLanguage) return null;
  const letters = text.replace(ctx.orderIdPattern, ' ');
  const words = letters.split(/[^\p{L}]+/u).filter((w) => w.length > 1);
  // Scripts without spaces (Japanese, Chinese) are told by their letters, not their words.
  const enough = words.length >= LANGUAGE_MIN_WORDS || letters.replace(/[^\p{L}]/gu, '').length >= LANGUAGE_MIN_LETTERS;
  if (!enough) return null;
  // Mostly words this deployment knows: its own language, whatever a short text looks like.
  if (words.length > 0 && words.filter((w) => isKnownWord(w)).length / words.length >= 0.6) return null;
  const language = deps.detectLanguage(letters);
  if (language) return graph.triage.languages.includes(language) ? null : language;
  // No reliable guess, but written mostly in a script none of the deployment's languages use.
  const all = letters.replace(/[^\p{L}]/gu, '');
  const latin = letters.replace(/[^\p{Script=Latin}]/gu, '');
  return all.length >= LANGUAGE_MIN_LETTERS / 2 && latin.length / all.length < 0.5 && graph.triage.languages.every((l) => LATIN_SCRIPT.has(l)) ? 'und' : null;
}

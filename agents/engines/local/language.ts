/**
 * The language of a customer's message, with eld (an n-gram language detector built for short
 * texts, no network, no model download). Only a reliable decision counts: a few words of chat
 * often look like several languages at once.
 */
import { eld } from 'eld/small';

/** How far the best language must lead the runner-up for a decision. */
const MIN_LEAD = 0.08;

/** ISO 639-1 code of the text's language, or null when it cannot be told reliably. */
export function detectLanguage(text: string): string | null {
  const result = eld.detect(text);
  if (!result.language || !result.isReliable()) return null;
  const scores = Object.values(result.getScores()).sort((a, b) => b - a);
  if (scores.length > 1 && scores[0]! - scores[1]! < MIN_LEAD) return null;
  return result.language;
}

/**
 * The customer's new words in an email: quoted history and signatures cut away. Mail clients
 * quote in many ways (Gmail/Apple "On … wrote:", Outlook header blocks, "-----Original
 * Message-----", `>` lines); the full text is always kept beside the result as `original`.
 */

/** Attribution lines that start a quoted reply, in the languages customers commonly use. */
const ATTRIBUTION = [
  /^on\b.{3,300}\bwrote:?$/i,
  /^am\b.{3,300}\bschrieb\b.{0,200}:$/i,
  /^le\b.{3,300}\ba écrit\s?:$/i,
  /^el\b.{3,300}\bescribió:$/i,
  /^op\b.{3,300}\bschreef\b.{0,200}:$/i,
  /^(den|d\.)\b.{3,300}\bskrev\b.{0,200}:$/i,
  /^il\b.{3,300}\bha scritto:$/i,
];
const ORIGINAL_MESSAGE = /^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|forwarded message)\s*-{2,}$/i;
/** Outlook's header block: "From:" then "Sent:"/"Date:" within a few lines. */
const HEADER_FROM = /^\*?(from|von|de|van|från|fra)\s*:\*?\s/i;
const HEADER_SENT = /^\*?(sent|date|gesendet|datum|envoyé|enviado|verzonden|skickat|sendt)\s*:\*?\s/i;
const OUTLOOK_RULE = /^_{10,}$/;
const SIGNATURE_DELIMITER = /^--\s?$/;
const DEVICE_SIGNATURE = /^(sent from my |sent from (outlook|mail) for |get outlook for |envoyé de mon |von meinem .* gesendet)/i;
const SIGN_OFF =
  /^(thanks|thank you|many thanks|thanks again|thanks in advance|thx|cheers|best|all the best|best wishes|best regards|kind regards|warm regards|regards|sincerely|yours sincerely|yours|br|mit freundlichen grüßen|viele grüße|liebe grüße|cordialement|bien à vous|saludos|un saludo|met vriendelijke groet|groeten|med vänlig hälsning|hälsningar)[,.!]*$/i;
/** A sign-off is followed by at most this many short lines (name, role, phone). */
const SIGN_OFF_TAIL_LINES = 5;
const SIGN_OFF_TAIL_CHARS = 80;

export interface ExtractedReply {
  /** The new words; never empty when the input had text. */
  text: string;
  /** Whether anything (quote or signature) was cut. */
  trimmed: boolean;
}

/** Cuts quoted history and the signature from a plain-text email body. */
export function extractReply(body: string): ExtractedReply {
  const source = body.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ');
  const lines = source.split('\n');
  const withoutQuotes = removeQuotes(lines);
  const withoutSignature = removeSignature(withoutQuotes);
  const text = tidy(withoutSignature) || tidy(withoutQuotes) || source.trim();
  return { text, trimmed: text !== source.trim() };
}

function tidy(lines: string[]): string {
  return lines
    .join('\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const isQuoted = (line: string) => /^\s*>/.test(line);

/** Whether a quote header starts at line `i`; attribution lines may be wrapped over up to 3 lines. */
function quoteHeaderAt(lines: string[], i: number): boolean {
  const line = lines[i]!.trim();
  if (ORIGINAL_MESSAGE.test(line)) return true;
  if (OUTLOOK_RULE.test(line) && lines.slice(i + 1, i + 3).some((l) => HEADER_FROM.test(l.trim()))) return true;
  if (HEADER_FROM.test(line) && lines.slice(i + 1, i + 5).some((l) => HEADER_SENT.test(l.trim()))) return true;
  for (let span = 1; span <= 3 && i + span <= lines.length; span += 1) {
    const joined = lines
      .slice(i, i + span)
      .map((l) => l.trim())
      .join(' ');
    if (ATTRIBUTION.some((re) => re.test(joined))) return true;
  }
  return false;
}

function removeQuotes(lines: string[]): string[] {
  const header = lines.findIndex((_, i) => !isQuoted(lines[i]!) && quoteHeaderAt(lines, i));
  const before = header === -1 ? lines : lines.slice(0, header);
  const kept = before.filter((line) => !isQuoted(line));
  if (header === -1) return kept;
  // Bottom-posting and inline answers: words written after a `>`-quoted block are new too.
  // Outlook blocks are not `>`-quoted, so everything after their header is history.
  const headerLine = lines[header]!.trim();
  if (HEADER_FROM.test(headerLine) || ORIGINAL_MESSAGE.test(headerLine) || OUTLOOK_RULE.test(headerLine)) return kept;
  const after = lines.slice(header + 1);
  const firstQuoted = after.findIndex(isQuoted);
  if (firstQuoted === -1) return kept;
  const answers = after.slice(firstQuoted).filter((line) => !isQuoted(line));
  if (!answers.some((l) => l.trim()) || answers.some((_, i) => quoteHeaderAt(answers, i))) return kept;
  return [...kept, ...answers];
}

function removeSignature(lines: string[]): string[] {
  const delimiter = lines.findIndex((l) => SIGNATURE_DELIMITER.test(l) || DEVICE_SIGNATURE.test(l.trim()));
  const body = delimiter === -1 ? lines : lines.slice(0, delimiter);
  // The last sign-off line counts only when little follows it: "Thanks, that fixed it" is not one.
  for (let i = body.length - 1; i >= 0; i -= 1) {
    if (!SIGN_OFF.test(body[i]!.trim())) continue;
    const tail = body.slice(i + 1).filter((l) => l.trim());
    if (tail.length <= SIGN_OFF_TAIL_LINES && tail.every((l) => l.trim().length <= SIGN_OFF_TAIL_CHARS)) return body.slice(0, i);
    break;
  }
  return body;
}

/** A short quote of the customer's last words for the bottom of a reply. */
export function quoteForReply(text: string, maxLines = 6, maxChars = 400): string {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  let quoted = lines.slice(0, maxLines).join('\n').trimEnd();
  let cut = lines.length > maxLines;
  if (quoted.length > maxChars) {
    quoted = quoted.slice(0, maxChars).replace(/\s+\S*$/, '');
    cut = true;
  }
  return `${quoted}${cut ? ' […]' : ''}`
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
}

/**
 * The customer's own words for triage: quoted history, signatures, greetings and sign-offs
 * removed. The full text stays stored; this only decides what the classifier reads.
 */
const QUOTE_HEADERS = [
  /^on .{3,200}wrote:\s*$/i, // Gmail / Apple Mail
  /^-{2,}\s*original message\s*-{2,}$/i, // Outlook
  /^from:\s.+$/i, // Outlook header block ("From: … Sent: …")
  /^am .{3,200}schrieb .+:\s*$/i,
  /^le .{3,200}a écrit\s*:\s*$/i,
  /^sent from (my |the )?(iphone|ipad|android|phone|mobile|galaxy|samsung|outlook|yahoo mail|mail for windows)/i,
  /^get outlook for (ios|android)/i,
];
const SIGNATURE_DELIMITER = /^(--|__+|—)\s*$/;
const SIGN_OFF =
  /^(thanks|thank you|thx|cheers|best|best regards|kind regards|warm regards|warmest regards|regards|many thanks|sincerely|br|ty|best wishes|all the best|yours (faithfully|sincerely|truly)|(thanks|thank you) (again|in advance|so much|a lot)|talk soon)[,.!]*\s*$/i;
const INLINE_SIGN_OFF = /[,.!?]\s*(many thanks|thanks so much|thanks a lot|thank you|thanks|thx|cheers|kind regards|best regards|regards|best wishes|best)[,.!]*(\s+\p{L}[\p{L}'-]*){1,2}[.!]?\s*$/iu;
/** A line of a sign-off block: a name, a job title or a company ("Elena Brandt", "Senior Editor"), no sentence. */
const SIGNATURE_LINE = /^\p{Lu}[\p{L}'’.&-]*(\s+[\p{L}'’.&-]+){0,3}$/u;
/**
 * A greeting ("Hi", "Dear", "Good morning") and whom it greets ("there", "team", "Sir/Madam", a
 * capitalised name). Case-sensitive apart from the greeting's first letter, so only a capitalised
 * word passes for a name and "hello my order, …" keeps its words.
 */
const GREETED = '(?:[Hh]i|[Hh]ello|[Hh]ey|[Hh]iya|[Dd]ear|[Gg]ood (?:[Mm]orning|[Aa]fternoon|[Ee]vening)|[Gg]reetings)(?:\\s+(?:there|team|all|everyone|folks|guys|support|customer|service|care|sir|madam|again|\\p{Lu}[\\p{L}\'./-]*)){0,3}';
/** A line that only greets: "Hi there,", "Dear Customer Service Team,", "Hello Northwind!". */
const GREETING = new RegExp(`^${GREETED}\\s*[,!.:;–—-]*\\s*$`, 'u');
/** A greeting opening the request's own line, then punctuation: "Hi Sam, where is …", "Hello team - …", "Hey, …". */
const LEADING_GREETING = new RegExp(`^${GREETED}\\s*[,!:;–—-]+\\s*`, 'u');
/** "… cancel it? Thanks!", "… please, thank you": thanks closing the request's own line, with no name after it (INLINE_SIGN_OFF takes those). */
const TRAILING_THANKS = /([,.!?]|\s)\s*(many thanks|thanks (so much|a lot|in advance|again)|thank you( (so much|in advance|again))?|thanks|thx|ty|cheers)[.!]*\s*$/i;
/** Stripping a greeting or thanks leaves at least this many words, else the message was little more than that. */
const MIN_WORDS_LEFT = 3;

export function cleanForTriage(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (QUOTE_HEADERS.some((re) => re.test(trimmed)) || SIGNATURE_DELIMITER.test(trimmed)) break;
    if (SIGN_OFF.test(trimmed) && kept.some((l) => l.trim())) break;
    if (trimmed.startsWith('>')) continue;
    kept.push(line);
  }
  while (kept.length > 0 && (GREETING.test(kept[0]!.trim()) || !kept[0]!.trim())) kept.shift();
  dropSignatureBlock(kept);
  // "What is your returns window? Thanks, Sam": a sign-off and name on the question's own line.
  let cleaned = kept.join('\n').trim().replace(INLINE_SIGN_OFF, (match: string) => (match.startsWith(',') ? '' : match.charAt(0))).trim();
  cleaned = stripIfWordsRemain(cleaned, LEADING_GREETING, '');
  cleaned = stripIfWordsRemain(cleaned, TRAILING_THANKS, (_match: string, before: string) => before.trim().replace(',', ''));
  // Never hand triage nothing: a message that was all greeting keeps its text.
  return cleaned || text.trim();
}

/**
 * The last paragraph, when it is only a name and perhaps a title or company ("\n\nMaria",
 * "\n\nElena Brandt\nSenior Editor"): a sign-off without its "Thanks", which the classifier and
 * the knowledge search would read as words of the question.
 */
function dropSignatureBlock(lines: string[]): void {
  while (lines.length > 0 && !lines[lines.length - 1]!.trim()) lines.pop();
  const blank = lines.findLastIndex((l) => !l.trim());
  if (blank <= 0) return;
  const block = lines.slice(blank + 1).map((l) => l.trim());
  if (block.length <= 3 && block.every((l) => SIGNATURE_LINE.test(l))) lines.splice(blank);
}

/** `text` with `pattern` replaced, when enough words remain ("ok thanks" stays as it is). */
function stripIfWordsRemain(text: string, pattern: RegExp, replacement: string | ((match: string, ...groups: string[]) => string)): string {
  const stripped = text.replace(pattern, replacement as (match: string) => string).trim();
  return stripped.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length >= MIN_WORDS_LEFT ? stripped : text;
}

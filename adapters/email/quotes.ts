/**
 * The customer's new words in an email: quoted history and signatures cut away. Mail clients
 * quote in many ways (Gmail/Apple "On … wrote:" in many languages, Outlook header blocks,
 * "-----Original Message-----", `>` lines); the full text is always kept beside the result as
 * `original`. A forward is different: what the customer forwards ("FYI", "see below") is the
 * matter of the message, so it is kept for the agents.
 *
 * Measured on the fixtures of github/email_reply_parser and crisp-oss/email-reply-parser plus our
 * own multi-language cases: test/email-replies.test.ts (figures in README).
 */

/**
 * Attribution lines that start a quoted reply ("On <date>, <name> wrote:"), matched against one
 * line or up to three hard-wrapped lines joined by spaces. Cyrillic and other non-Latin words use
 * `(?:^|\s)` because `\b` only knows ASCII letters.
 */
const ATTRIBUTION: RegExp[] = [
  /^on\b.{3,300}\bwrote:?$/i,
  /^-{2,}\s*on\b.{3,300}\bwrote\s*-{2,}$/i, // Zoho: "---- On … wrote ----"
  /^am\b.{3,300}\bschrieb\b.{0,200}:$/i,
  /^le\b.{3,300}\ba\s+écrit\s*:$/i,
  /^el\b.{3,300}\bescribió\s*:$/i,
  /^em\b.{3,300}\bescreveu\s*:$/i,
  /^(il|in data)\b.{3,300}\bha scritto\s*:$/i,
  /^op\b.{3,300}\b(schreef|het volgende geschreven)\b.{0,200}:$/i,
  /^(w dniu|dnia)\b.{3,300}\bnapisał(a|\(a\))?\s*:$/i,
  /.{3,300}\d.{0,300}\b(skrev|kirjoitti|pisze|napsal(a|\(a\))?|yazdı|írta)\s*.{0,200}:$/i,
  /.{3,300}\d.{0,300}(?:^|\s)(пишет|написал(а|\(а\))?)\s*:$/i,
  /^.{0,200}\d.{0,200}(写道|寫道|のメッセージ)\s*[:：]$/,
];
/**
 * Any-language Gmail/Yahoo/Mail.ru attributions ("2026-03-12 10:15 GMT+01:00 Name <a@b>:",
 * "ср, 12 мар. 2026 г. в 10:15, Name <a@b>:"): a date or time, then an address in angle
 * brackets right before the final colon (a sentence that ends "…to jane@example.com:" is not one).
 */
const GENERIC_ATTRIBUTION = /^.{0,200}(\d{1,2}[:.]\d{2}|\d{4}).{0,200}<[^\s<>]+@[^\s<>]+>\s*:$/;

const ORIGINAL_MESSAGE =
  /^-{2,}\s*(original message|reply message|ursprüngliche nachricht|message d'origine|mensaje original|mensagem original|messaggio originale|oorspronkelijk bericht|oprindelig besked|opprinnelig melding|ursprungligt meddelande|alkuperäinen viesti|wiadomość oryginalna|исходное сообщение)\s*-{2,}$/i;
/** Forward markers: what follows is the matter of the message, not history. */
const FORWARD_MARKER =
  /^(-{2,}\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|mensagem encaminhada|messaggio inoltrato|doorgestuurd bericht|videresendt (besked|melding|meddelelse)|vidarebefordrat meddelande|välitetty viesti|wiadomość przekazana|пересылаемое сообщение|переслан(ное|о) сообщение)\s*-{2,}|begin forwarded message:|anfang der weitergeleiteten nachricht:|début du message réexpédié :?|inicio del mensaje reenviado:)$/i;
/** A forwarding subject ("Fwd:", "FW:", "WG:", "TR:", "RV:", "Enc:", "Doorst:", "VS:", "Fwd :"). */
const FORWARD_SUBJECT = /^\s*(fwd?|wg|tr|rv|enc|doorst|vs|vb|pd|íñ|転送)\s*:/i;

/** Header fields of an Outlook/Hotmail/Yahoo quoted block, by role, in the languages we meet. */
const FIELD = {
  from: /^\*?(from|von|de|van|från|fra|od|от|lähettäjä|remetente|da|mittente|feladó|kimden|发件人|寄件者|差出人)\s*:/i,
  sent: /^\*?(sent|date|gesendet|datum|envoyé( le)?|message du|enviado|enviada|fecha|data|inviato|verzonden|skickat|sendt|dato|wysłano|wysłane|отправлено|дата|lähetetty|päivämäärä|elküldve|tarih|发送时间|日期|送信日時)\s*:/i,
  to: /^\*?(to|an|à|a|para|aan|till|til|do|кому|vastaanottaja|címzett|kime|收件人|宛先)\s*:/i,
  subject: /^\*?(subject|betreff|objet|asunto|assunto|oggetto|onderwerp|ämne|emne|temat|тема|aihe|tárgy|konu|主题|主旨|件名)\s*:/i,
};
const SEPARATOR_LINE = /^\s*[-_=*~—]{3,}\s*$/;

/** "-- " (RFC 3676), "--", a rule of underscores or em-dashes: everything after is a signature. */
const SIGNATURE_DELIMITER = /^(--\s?|_{2,}|—{2,})$/;
/** Mobile and app signatures; they end the message even when a header-less quote follows. */
const DEVICE_SIGNATURE =
  /^(sent from (my )?[^\s,;]+(\s+[^\s,;]+){0,3}|sent with [^\s,]+(\s+[^\s,]+){0,3}|get outlook for (ios|android)\S*|envoyé (de mon|depuis mon|à partir de) .{1,60}|von meinem .{1,60} gesendet|gesendet von .{1,60}|gesendet mit .{1,60}|enviado (desde|do|de) (mi|meu|o) .{1,60}|verzonden (vanaf|met) (mijn )?.{1,60}|skickat från min .{1,60}|sendt fra min .{1,60}|wysłane z .{1,60}|отправлено с .{1,60}|lähetetty .{1,40}(sta|stä|sovelluksesta)|inviato da .{1,60})$/i;
const SIGN_OFF =
  /^(thanks|thank you|many thanks|thanks again|thanks in advance|thx|cheers|best|all the best|best wishes|best regards|kind regards|warm regards|regards|yours|br|mit freundlichen grüßen|viele grüße|liebe grüße|beste grüße|cordialement|bien à vous|saludos|un saludo|atenciosamente|met vriendelijke groet|groeten|med vänlig hälsning|hälsningar|med vennlig hilsen|venlig hilsen|ystävällisin terveisin|pozdrawiam|z poważaniem|с уважением|cordiali saluti)[\s,.!\p{Extended_Pictographic}]*$/iu;
/** A sign-off is followed by one to this many short lines (name, role, phone). */
const SIGN_OFF_TAIL_LINES = 5;
const SIGN_OFF_TAIL_CHARS = 80;
/** "-Jane Doe" as the last line: a dashed name (a list item has a space after its dash). */
const DASHED_NAME = /^-\p{L}[\p{L} .'-]{0,40}$/u;
/** A quoted line this long that is followed by an unquoted line was probably hard-wrapped. */
const WRAPPED_QUOTE_CHARS = 50;

export interface ExtractOptions {
  /** The message's subject: a forwarding subject ("Fwd:") marks an Outlook header block as a forward. */
  subject?: string | null;
}

export interface ExtractedReply {
  /** The new words; never empty when the input had text. */
  text: string;
  /** Whether anything (quote or signature) was cut. */
  trimmed: boolean;
  /** The message forwards another one: the forwarded part is kept in `text`. */
  forwarded: boolean;
}

/** Where history starts; `end` is the line after an attribution (which may be wrapped). */
type Boundary = { index: number; end: number; kind: 'attribution' | 'block' | 'forward' };

/** Cuts quoted history and the signature from a plain-text email body; keeps forwarded mail. */
export function extractReply(body: string, options: ExtractOptions = {}): ExtractedReply {
  const source = body.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ');
  const lines = requoteWrappedLines(source.split('\n'));
  const boundary = findBoundary(lines, FORWARD_SUBJECT.test(options.subject ?? ''));
  if (boundary?.kind === 'forward') {
    // The note above the forward loses its signature; the forward itself stays whole.
    const note = tidy(removeSignature(lines.slice(0, boundary.index).filter((l) => !isQuoted(l))));
    const forward = tidy(lines.slice(boundary.index));
    const text = [note, forward].filter(Boolean).join('\n\n');
    return { text, trimmed: text !== source.trim(), forwarded: true };
  }
  const withoutQuotes = removeQuotes(lines, boundary);
  const withoutSignature = removeSignature(withoutQuotes);
  const text = tidy(withoutSignature) || tidy(withoutQuotes) || source.trim();
  return { text, trimmed: text !== source.trim(), forwarded: false };
}

function tidy(lines: string[]): string {
  const kept = [...lines];
  // A rule left above a cut quote ("-----", "_____") is part of the quote.
  while (kept.length > 0 && (!kept[kept.length - 1]!.trim() || SEPARATOR_LINE.test(kept[kept.length - 1]!))) kept.pop();
  return kept
    .join('\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const isQuoted = (line: string) => /^\s*>/.test(line);

/**
 * Clients that hard-wrap after quoting leave the tail of a long quoted line unquoted
 * ("> … Nullam pharetra d" / "ignissim odio?" / ">"): such a line, squeezed between a long
 * quoted line and another quoted line, is quoted again so it does not pass for new words.
 */
function requoteWrappedLines(lines: string[]): string[] {
  return lines.map((line, i) => {
    if (!line.trim() || isQuoted(line) || i === 0) return line;
    const previous = lines[i - 1]!;
    const next = lines[i + 1];
    const wrapped = isQuoted(previous) && previous.replace(/^[\s>]+/, '').length >= WRAPPED_QUOTE_CHARS;
    return wrapped && (next === undefined || isQuoted(next)) ? `> ${line}` : line;
  });
}

/** The role of a header field line, if it is one. */
function fieldOf(line: string): keyof typeof FIELD | null {
  const trimmed = line.trim();
  for (const [role, re] of Object.entries(FIELD) as [keyof typeof FIELD, RegExp][]) if (re.test(trimmed)) return role;
  return null;
}

/**
 * An Outlook/Hotmail/Yahoo header block starting at line `i`: header fields in the next few
 * lines, one of them the sender and one a date, recipient or subject (in any order: Hotmail
 * puts the date first). A wrapped sender line ("From: Name\n<address>") is allowed.
 */
function headerBlockAt(lines: string[], i: number): boolean {
  const first = fieldOf(lines[i]!);
  if (!first) return false;
  const roles = new Set<string>([first]);
  let fields = 1;
  for (let j = i + 1; j < Math.min(lines.length, i + 6); j += 1) {
    const role = fieldOf(lines[j]!);
    if (role) {
      roles.add(role);
      fields += 1;
    } else if (!lines[j]!.trim() && fields >= 2) break;
  }
  return roles.has('from') && roles.size >= 2 && (roles.has('sent') || roles.has('subject') || roles.size >= 3);
}

/** The number of lines of an attribution starting at line `i` (0 when there is none). */
function attributionAt(lines: string[], i: number): number {
  for (let span = 1; span <= 3 && i + span <= lines.length; span += 1) {
    const part = lines.slice(i, i + span).map((l) => l.trim());
    // A wrapped address may leave its closing bracket on a line of its own (">:").
    if (span > 1 && part.slice(1).some((l) => !l || (isQuoted(l) && !/^>:?$/.test(l)))) break;
    const joined = part.join(' ').replace(/\s+/g, ' ');
    if (joined.length > 600) break;
    if (ATTRIBUTION.some((re) => re.test(joined)) || GENERIC_ATTRIBUTION.test(joined)) return span;
  }
  return 0;
}

/** The first unquoted line where quoted history (or a forward) starts. */
function findBoundary(lines: string[], forwardSubject: boolean): Boundary | null {
  for (let i = 0; i < lines.length; i += 1) {
    const raw = lines[i]!;
    if (isQuoted(raw) || !raw.trim()) continue;
    const line = raw.trim();
    const block = { index: i, end: i + 1, kind: forwardSubject ? ('forward' as const) : ('block' as const) };
    if (FORWARD_MARKER.test(line)) return { ...block, kind: 'forward' };
    if (ORIGINAL_MESSAGE.test(line)) return { ...block, kind: 'block' };
    if (SEPARATOR_LINE.test(line)) {
      const next = lines.slice(i + 1, i + 4).findIndex((l) => l.trim());
      if (next !== -1 && headerBlockAt(lines, i + 1 + next)) return block;
    }
    if (headerBlockAt(lines, i)) return block;
    const span = attributionAt(lines, i);
    if (span > 0) return { index: i, end: i + span, kind: 'attribution' };
  }
  return null;
}

function removeQuotes(lines: string[], boundary: Boundary | null): string[] {
  const before = boundary ? lines.slice(0, boundary.index) : lines;
  const kept = before.filter((line) => !isQuoted(line));
  if (!boundary || boundary.kind === 'block') return kept;
  // Bottom-posting and inline answers: words written after a `>`-quoted block are new too.
  // Outlook blocks are not `>`-quoted, so everything after their header is history.
  // A header followed by unquoted text (clients that do not quote) is history to the end.
  const after = lines.slice(boundary.end);
  const firstQuoted = after.findIndex(isQuoted);
  if (firstQuoted === -1 || after.slice(0, firstQuoted).some((l) => l.trim())) return kept;
  const answers = after.slice(firstQuoted).filter((line) => !isQuoted(line));
  if (!answers.some((l) => l.trim()) || findBoundary(answers, false)) return kept;
  return [...kept, '', ...answers];
}

function removeSignature(lines: string[]): string[] {
  const delimiter = lines.findIndex((l) => SIGNATURE_DELIMITER.test(l.trim()) || DEVICE_SIGNATURE.test(l.trim()));
  const body = delimiter === -1 ? lines : lines.slice(0, delimiter);
  // The last sign-off counts only when a short tail (a name) follows: "Thanks, that fixed it"
  // is not one, and a closing "Thanks!" is left as the customer wrote it.
  for (let i = body.length - 1; i >= 0; i -= 1) {
    if (!SIGN_OFF.test(body[i]!.trim())) continue;
    const tail = body.slice(i + 1).filter((l) => l.trim());
    if (tail.length >= 1 && tail.length <= SIGN_OFF_TAIL_LINES && tail.every((l) => l.trim().length <= SIGN_OFF_TAIL_CHARS)) return body.slice(0, i);
    break;
  }
  const last = body.map((l) => l.trim()).filter(Boolean);
  if (last.length > 1 && DASHED_NAME.test(last[last.length - 1]!)) {
    return body.slice(0, body.map((l) => l.trim()).lastIndexOf(last[last.length - 1]!));
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

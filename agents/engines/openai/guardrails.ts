/**
 * Guardrails around the model. The input screen is a cheap rule layer run before any model
 * call: prompt-injection and exfiltration attempts are refused and flagged, plainly off-topic
 * requests are declined. The output check is the backstop against leaks: a reply may only name
 * the customer's own email, emails from public knowledge articles, and orders the customer
 * mentioned or that were looked up and belong to them; it may not quote the agents' instructions.
 */

export interface InputVerdict {
  kind: 'prompt_injection' | 'off_topic';
  /** Which rule matched (for the trace; never the customer's text). */
  rule: string;
}

const INJECTION_RULES: [string, RegExp][] = [
  ['ignore_instructions', /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|your|the)\b[^.\n]{0,20}\b(instructions?|rules|prompts?|guidelines|directions)\b/i],
  ['role_change', /\byou are now\b|\bfrom now on,? you (are|will|must)\b|\bact as (an? )?(unrestricted|jailbroken|developer|admin)|\bdeveloper mode\b|\bDAN\b/i],
  ['system_prompt', /\b(system|hidden|initial|original)\s+(prompt|instructions?|message)\b|\byour (instructions|prompt|rules) (verbatim|word for word)\b/i],
  ['fake_role_tag', /<\/?\s*(system|assistant)\s*>|^\s*(system|assistant)\s*:/im],
  ['exfiltration', /\b(other|all|every|another)\s+(customers?|users?|people|clients?)(['’]s|s['’])?\b[^.\n]{0,40}\b(orders?|e-?mails?|address(es)?|data|details|accounts?|phone|information)\b/i],
  ['bulk_export', /\b(list|dump|export)\b[^.\n]{0,20}\b(customers?|users?|database)\b/i],
  ['internal_notes', /\b(internal|private|staff)\s+notes?\b/i],
  ['credentials', /\b(api[ _-]?key|access token|password of|credentials of|database dump)\b/i],
];

const OFF_TOPIC_RULES: [string, RegExp][] = [
  ['creative_writing', /\b(write|compose|generate)\b[^.\n]{0,20}\b(poem|essay|song|story|limerick|novel|haiku)\b/i],
  ['coding', /\b(write|debug|fix)\b[^.\n]{0,20}\b(code|script|function|program|sql query|regex)\b/i],
  ['homework', /\b(solve|calculate)\b[^.\n]{0,30}\b(equation|integral|homework|math problem)\b/i],
];

/** Screens the customer's message; null when nothing matched. */
export function screenInput(text: string): InputVerdict | null {
  for (const [rule, pattern] of INJECTION_RULES) if (pattern.test(text)) return { kind: 'prompt_injection', rule };
  for (const [rule, pattern] of OFF_TOPIC_RULES) if (pattern.test(text)) return { kind: 'off_topic', rule };
  return null;
}

/** What a reply may mention. */
export interface OutputAllowance {
  contactEmail: string | null;
  /** Text the customer wrote themselves (this message and earlier ones). */
  customerText: string;
  /** Bodies of knowledge articles the tools returned (public). */
  publicText: string;
  /** Orders looked up in this run that belong to the customer. */
  ownOrderIds: Set<string>;
  orderIdPattern: RegExp;
  normaliseOrderId(raw: RegExpExecArray): string;
  /** The agents' instructions, which must not be quoted. */
  instructions: string[];
}

export interface OutputViolation {
  kind: 'foreign_email' | 'foreign_order' | 'instructions';
  value?: string;
}

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi;

/** Everything in `reply` that must not reach the customer. */
export function checkOutput(reply: string, allow: OutputAllowance): OutputViolation[] {
  const violations: OutputViolation[] = [];
  const known = new Set(
    [allow.contactEmail ?? '', ...(allow.customerText.match(EMAIL) ?? []), ...(allow.publicText.match(EMAIL) ?? [])].map((e) => e.toLowerCase()),
  );
  for (const email of reply.match(EMAIL) ?? []) {
    if (!known.has(email.toLowerCase())) violations.push({ kind: 'foreign_email', value: email });
  }
  const mentioned = new Set(ids(allow.customerText, allow));
  for (const id of ids(reply, allow)) {
    if (!allow.ownOrderIds.has(id) && !mentioned.has(id)) violations.push({ kind: 'foreign_order', value: id });
  }
  const lowered = reply.toLowerCase();
  const quoted = allow.instructions
    .flatMap((text) => text.split(/(?<=[.!?])\s+/))
    .some((sentence) => sentence.length >= 40 && lowered.includes(sentence.toLowerCase()));
  if (quoted) violations.push({ kind: 'instructions' });
  return violations;
}

function ids(text: string, allow: OutputAllowance): string[] {
  const pattern = new RegExp(allow.orderIdPattern.source, allow.orderIdPattern.flags.includes('g') ? allow.orderIdPattern.flags : `${allow.orderIdPattern.flags}g`);
  return [...text.matchAll(pattern)].map((m) => allow.normaliseOrderId(m as RegExpExecArray));
}

/**
 * X-Twilio-Signature checked as twilio-node's `validateRequest` (6.x) checks it, over Web Crypto:
 * the HMAC-SHA1 (keyed with the auth token, base64) of the URL followed by every form parameter's
 * name and value, names sorted, a repeated name's distinct values sorted. Twilio's back ends sign
 * the URL inconsistently, so the SDK accepts it as received or normalised (`new URL`), each with
 * and without the port, and normalised with the query re-encoded as Node's `querystring` does.
 */
import { ForbiddenError } from '../../src/core/errors.ts';
import type { FormParams } from '../sms/parse.ts';
import { base64, equalInConstantTime, hmac } from './web-crypto.ts';

/** The signature Twilio sends for a request to `url` (taken as written) with these form parameters. */
export async function expectedTwilioSignature(authToken: string, url: string, params: FormParams): Promise<string> {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const one of values) data += name + one;
  }
  return base64(await hmac('SHA-1', authToken, data));
}

/** A URL split without normalising it (the SDK's splitUrl): scheme, user info, host, port, rest. */
function splitUrl(url: string) {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return null;
  const [prefix, scheme, authority] = match as unknown as [string, string, string];
  const userInfoEnd = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // A colon starts the port only after an IPv6 literal's closing bracket.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

function addPort(url: string): string {
  const parts = splitUrl(url);
  if (!parts || parts.port) return url;
  return parts.scheme + parts.userInfo + parts.host + (parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80') + parts.rest;
}

function removePort(url: string): string {
  const parts = splitUrl(url);
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url;
}

/** The query re-encoded as Node's querystring.stringify(parse(…)) would: names grouped in first-seen order. */
function withLegacyQuerystring(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1 || queryStart === url.length - 1) return url;
  const grouped = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(url.slice(queryStart + 1))) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  const query = [...grouped].flatMap(([name, values]) => values.map((value) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)).join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}

/** Every form of `url` the SDK accepts a signature for. */
function candidateUrls(url: string): string[] {
  const normalised = new URL(url).toString();
  const [without, withIt] = [removePort(normalised), addPort(normalised)];
  return [...new Set([removePort(url), addPort(url), without, withIt, withLegacyQuerystring(without), withLegacyQuerystring(withIt)])];
}

/** Throws ForbiddenError (403) when the signature is missing or matches no form of `url`. */
export async function verifyTwilioSignature(input: { authToken: string; signature: string | null; url: string; params: FormParams }): Promise<void> {
  if (!input.signature) throw new ForbiddenError('The X-Twilio-Signature header is missing.', 'invalid_signature');
  const expected = await Promise.all(candidateUrls(input.url).map((url) => expectedTwilioSignature(input.authToken, url, input.params)));
  if (!expected.some((signature) => equalInConstantTime(signature, input.signature!))) {
    throw new ForbiddenError('The X-Twilio-Signature does not match this request.', 'invalid_signature');
  }
}

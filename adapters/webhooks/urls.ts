/**
 * Which webhook URLs Frontdesk will call. http(s) only and no credentials in the URL (they would
 * sit in every log and list). Unless private addresses are allowed (tests, a receiver on the same
 * network on purpose), a URL whose host is or resolves to a loopback, private, link-local or
 * otherwise internal address is refused: a subscription must not turn Frontdesk into a way into
 * its own network. The check is made again when connecting (guardedLookup), so a name that
 * resolves elsewhere later (DNS rebinding) is refused too.
 */
import { lookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { InvalidInputError } from '../../src/core/errors.ts';

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) INTERNAL.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address is internal (IPv4-mapped IPv6 addresses count as their IPv4 address). */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return INTERNAL.check(mapped, 'ipv4');
  const family = isIP(address);
  return family === 0 ? true : INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const refused = (message: string) => new InvalidInputError(message, undefined, 'invalid_webhook_url');

/** The URL's host without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** Parses and checks the form of a webhook URL (no network). */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('url must be an absolute http(s) URL, like https://example.com/frontdesk-events.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refused(`url must use http or https, not ${url.protocol.replace(':', '')}.`);
  if (url.username || url.password) throw refused('url must not hold credentials; the signature authenticates Frontdesk to the receiver.');
  if (!hostOf(url)) throw refused('url needs a host.');
  return url;
}

/** Every address a host resolves to (the host itself when it is an IP literal). */
function resolveAll(host: string): Promise<string[]> {
  if (isIP(host)) return Promise.resolve([host]);
  return new Promise((resolvePromise, reject) =>
    lookup(host, { all: true }, (error, addresses: LookupAddress[]) => (error ? reject(error) : resolvePromise(addresses.map((a) => a.address)))),
  );
}

/** Checks a webhook URL: its form, and (unless allowed) that its host reaches no internal address. */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  const url = parseWebhookUrl(raw);
  if (allowPrivate) return url;
  let addresses: string[];
  try {
    addresses = await resolveAll(hostOf(url));
  } catch (error) {
    throw refused(`url's host ${hostOf(url)} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (addresses.some(isInternalAddress)) {
    throw refused(`url's host ${hostOf(url)} is a loopback, private or internal address; set WEBHOOKS_ALLOW_PRIVATE_URLS=true to allow it.`);
  }
  return url;
}

/** A `lookup` for node:http that refuses internal addresses at connect time. */
export const guardedLookup: typeof lookup = ((host: string, options: object, callback: (...args: unknown[]) => void) => {
  lookup(host, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error);
    const internal = addresses.find((a) => isInternalAddress(a.address));
    if (internal) return callback(Object.assign(new Error(`${host} resolves to an internal address`), { code: 'EINTERNAL' }));
    if ((options as { all?: boolean }).all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}) as typeof lookup;

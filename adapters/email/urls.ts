import { ConfigError } from '../../src/core/errors.ts';
import type { ServerUrl } from './types.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** Whether credentials may travel in clear text to this host (tests and local relays only). */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase());
}

/**
 * `imaps://user%40example.com:secret@imap.example.com:993` → host, port, TLS and credentials.
 * The user and password are percent-decoded, so an address as user name is written `%40`.
 */
export function parseServerUrl(value: string, variable: 'EMAIL_IMAP_URL' | 'EMAIL_SMTP_URL'): ServerUrl {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${variable} is not a valid URL (example: imaps://support%40example.com:app-password@imap.example.com:993)`);
  }
  const kind = variable === 'EMAIL_IMAP_URL' ? 'imap' : 'smtp';
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== kind && scheme !== `${kind}s`) throw new ConfigError(`${variable} must start with ${kind}:// or ${kind}s://`);
  const secure = scheme === `${kind}s`;
  const defaultPort = kind === 'imap' ? (secure ? 993 : 143) : secure ? 465 : 587;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : defaultPort,
    secure,
    user: decodeURIComponent(url.username),
    pass: decodeURIComponent(url.password),
  };
}

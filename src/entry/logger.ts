import pino from 'pino';
import type { Logger } from '../core/ports.ts';

/** Paths that may carry secrets; pino replaces them before a line is written. */
const REDACT = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.token',
  'token',
  '*.password',
  'password',
  '*.apiKey',
  '*.authToken',
  '*.botToken',
  '*.signingSecret',
  'config.*.apiKey',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'frontdesk' } }, destination) as unknown as Logger;
}

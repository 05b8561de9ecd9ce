/**
 * Twilio's failures as the outbox reads them, for both senders (the SDK on Node, fetch on Workers):
 * throttling, server errors and the network are retried; a refusal (4xx) repeats on retry and is not.
 */
import { DeliveryError } from '../../src/core/errors.ts';

/** Twilio's error for a recipient who texted STOP to Twilio directly. */
const UNSUBSCRIBED = 21610;

export function twilioTransient(status: number, message: string, retryAfterMs: number | undefined, cause: unknown): DeliveryError {
  return new DeliveryError(`Twilio answered HTTP ${status}: ${message}`, { retryable: true, code: `twilio_http_${status}`, retryAfterMs, cause });
}

/** Network failures and timeouts: the request may not have reached Twilio. */
export function twilioUnreachable(error: unknown): DeliveryError {
  return new DeliveryError(`Twilio could not be reached: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, code: 'twilio_unreachable', cause: error });
}

/**
 * A 4xx answer (21211 invalid number, 21614 not a mobile, 20003 bad credentials…): never retried.
 * An unsubscribed recipient is remembered as opted out here too.
 */
export async function twilioRefusal(
  answer: { status: number; code?: number | null; message: string },
  to: string,
  onUnsubscribed: (number: string) => Promise<void>,
  cause: unknown,
): Promise<DeliveryError> {
  if (answer.code === UNSUBSCRIBED) {
    await onUnsubscribed(to);
    return new DeliveryError(`the recipient unsubscribed (Twilio ${UNSUBSCRIBED})`, { retryable: false, code: 'refused', cause });
  }
  return new DeliveryError(`Twilio refused the message (HTTP ${answer.status}, code ${answer.code ?? 'none'}): ${answer.message}`, {
    retryable: false,
    code: answer.code ? `twilio_${answer.code}` : `twilio_http_${answer.status}`,
    cause,
  });
}

/**
 * Suites that need a real service (PostgreSQL, Dovecot, Chromium) run when it is there and are
 * skipped, loudly, when it is not. With FRONTDESK_REQUIRE_SERVICES=1 (set by CI) a missing
 * service fails the run instead: in CI a skip is a failure.
 */
import { describe } from 'vitest';

export const servicesRequired = process.env.FRONTDESK_REQUIRE_SERVICES === '1';

/** `describe` when the service is available; otherwise a skipped suite that says why, or a failing one in CI. */
export function describeWithService(service: string, unavailableReason: string | null) {
  if (unavailableReason === null) return describe;
  if (servicesRequired) {
    return ((name: string) =>
      describe(name, () => {
        throw new Error(`${service} is required (FRONTDESK_REQUIRE_SERVICES=1) but unavailable: ${unavailableReason}`);
      })) as unknown as typeof describe;
  }
  process.stderr.write(`\n[skipped] ${service} suites: ${unavailableReason}\n`);
  return describe.skip;
}

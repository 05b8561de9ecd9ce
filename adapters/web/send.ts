import type { DeliveryResult, OutboundMessage } from '../../src/core/ports.ts';

/**
 * The web channel's medium is Frontdesk itself: a stored reply is already visible to the visitor
 * (GET messages) and was pushed over SSE when stored, so delivery only confirms it.
 */
export async function sendWeb(_message: OutboundMessage): Promise<DeliveryResult> {
  return { status: 'delivered' };
}

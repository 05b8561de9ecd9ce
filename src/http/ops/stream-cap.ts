import type { MiddlewareHandler } from 'hono';
import { FrontdeskError } from '../../core/errors.ts';
import type { ConcurrencyCap } from './rate-limit.ts';

/**
 * Caps concurrent event streams per conversation and per client address. A slot is held while
 * the response body is being streamed and given back when it ends or the client goes away.
 */
export function capStreams(deps: { perConversation: ConcurrencyCap; perAddress: ConcurrencyCap; onRefused?: () => void }): MiddlewareHandler {
  return async (c, next) => {
    const releaseConversation = deps.perConversation.open(c.req.param('id') ?? '');
    const releaseAddress = releaseConversation ? deps.perAddress.open(c.get('clientIp')) : null;
    if (!releaseConversation || !releaseAddress) {
      releaseConversation?.();
      deps.onRefused?.();
      c.header('Retry-After', '30');
      const scope = releaseConversation ? 'from this address' : 'on this conversation';
      throw new FrontdeskError('too_many_streams', `Too many open event streams ${scope}; close one first.`, 429);
    }
    const release = () => {
      releaseConversation();
      releaseAddress();
    };
    try {
      await next();
    } catch (error) {
      release();
      throw error;
    }
    const body = c.res.body;
    if (!body || !c.res.headers.get('content-type')?.startsWith('text/event-stream')) {
      release();
      return;
    }
    // Pass the stream through, noticing its end: done, error, or the client cancelling.
    const reader = body.getReader();
    const watched = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            release();
            controller.close();
          } else controller.enqueue(value);
        } catch (error) {
          release();
          controller.error(error);
        }
      },
      async cancel(reason) {
        release();
        await reader.cancel(reason);
      },
    });
    c.res = new Response(watched, c.res);
  };
}

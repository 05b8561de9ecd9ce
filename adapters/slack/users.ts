import type { webApi } from '@slack/bolt';
import type { SlackUser } from './types.ts';

/** users.info with a cache: every inbound message needs its sender's name and email. */
export function createUserDirectory(client: webApi.WebClient, ttlMs: number, now: () => number) {
  const cache = new Map<string, { user: SlackUser; until: number }>();
  return {
    /** The Slack user; a bare id when Slack cannot say (not cached, so the next call asks again). */
    async get(userId: string): Promise<SlackUser> {
      const hit = cache.get(userId);
      if (hit && hit.until > now()) return hit.user;
      try {
        const { user } = await client.users.info({ user: userId });
        const profile = user?.profile;
        const found: SlackUser = {
          id: userId,
          name: profile?.real_name || profile?.display_name || user?.real_name || user?.name || null,
          email: profile?.email || null,
          isBot: Boolean(user?.is_bot),
        };
        cache.set(userId, { user: found, until: now() + ttlMs });
        return found;
      } catch {
        return { id: userId, name: null, email: null, isBot: false };
      }
    },
  };
}

export type UserDirectory = ReturnType<typeof createUserDirectory>;

// Redis for tests: the shared server (TEST_REDIS_URL overrides it), with a BULL_PREFIX of each test bot's
// own so that suites never see each other's jobs, and its keys removed when the bot stops.
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function scratchBullPrefix(): { prefix: string; drop(redisUrl?: string): Promise<void> } {
  const prefix = `grid-bot-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  return {
    prefix,
    async drop(redisUrl = TEST_REDIS_URL) {
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

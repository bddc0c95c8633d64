import { afterLastAttempt, RETRY_DELAY_MAX_MS, RETRY_DELAY_MIN_MS } from '../../handlers/delivery/deliveryRetries';
import { DeliveryRefused, PlatformUnreachable } from '../../handlers/events';

const HOUR = 3_600_000;
const since = new Date('2026-12-01T08:00:00Z');
const at = (ms: number) => new Date(since.getTime() + ms);
const down = new PlatformUnreachable('wecom', new Error('ECONNREFUSED'));

describe('after the quick retries of a delivery', () => {
  it('waits out an unreachable platform, at least a minute at first', () => {
    expect(afterLastAttempt(down, since, at(30_000), 6 * HOUR)).toEqual({ kind: 'retry_at', at: at(30_000 + RETRY_DELAY_MIN_MS) });
  });

  it('waits as long as it has been failing, so tries thin out, but never more than half an hour', () => {
    expect(afterLastAttempt(down, since, at(10 * 60_000), 6 * HOUR)).toEqual({ kind: 'retry_at', at: at(20 * 60_000) });
    expect(afterLastAttempt(down, since, at(3 * HOUR), 6 * HOUR)).toEqual({ kind: 'retry_at', at: at(3 * HOUR + RETRY_DELAY_MAX_MS) });
  });

  it('gives up at the horizon', () => {
    expect(afterLastAttempt(down, since, at(6 * HOUR), 6 * HOUR)).toEqual({ kind: 'give_up' });
  });

  it('gives up at once on a refusal or on our own error: waiting cannot help', () => {
    expect(afterLastAttempt(new DeliveryRefused('chat not found'), since, at(1000), 6 * HOUR)).toEqual({ kind: 'give_up' });
    expect(afterLastAttempt(new Error('no platform adapter for dingtalk'), since, at(1000), 6 * HOUR)).toEqual({ kind: 'give_up' });
  });
});

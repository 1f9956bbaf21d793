import { describe, expect, it } from 'vitest';
import { nextDelay, DeliveryError } from '../../src/domain/cases/outbox-dispatcher.js';
import { toDeliveryError } from '../../src/bot/delivery.js';

const o = { baseDelayMs: 500, maxDelayMs: 60_000 };

describe('outbox retry timing', () => {
  it('backs off exponentially with ±20% jitter', () => {
    expect(nextDelay(1, o, undefined, () => 0.5)).toBe(500);
    expect(nextDelay(2, o, undefined, () => 0.5)).toBe(1000);
    expect(nextDelay(4, o, undefined, () => 0.5)).toBe(4000);
    expect(nextDelay(3, o, undefined, () => 0)).toBe(1600);
    expect(nextDelay(3, o, undefined, () => 1)).toBe(2400);
    expect(nextDelay(30, o, undefined, () => 0.5)).toBe(60_000);
  });

  it('honours Retry-After, capped', () => {
    expect(nextDelay(1, o, 3000)).toBe(3000);
    expect(nextDelay(1, o, 10 * 60_000)).toBe(60_000);
  });

  it('classifies connector failures', () => {
    const withHeaders = (status: number, headers: Record<string, string> = {}) => ({ statusCode: status, response: { status, headers: { get: (n: string) => headers[n] } } });
    const throttled = toDeliveryError(withHeaders(429, { 'retry-after': '2' }));
    expect([throttled.retryable, throttled.retryAfterMs, throttled.status]).toEqual([true, 2000, 429]);
    expect(toDeliveryError(withHeaders(500)).retryable).toBe(true);
    expect(toDeliveryError(withHeaders(503)).retryable).toBe(true);
    expect(toDeliveryError(withHeaders(403)).retryable).toBe(false); // bot blocked or uninstalled
    expect(toDeliveryError(withHeaders(404)).retryable).toBe(false);
    expect(toDeliveryError(new Error('ECONNRESET')).retryable).toBe(true);
    const own = new DeliveryError('timed out', true);
    expect(toDeliveryError(own)).toBe(own);
  });
});

import { describe, expect, it } from 'vitest';
import { deliveryText, failureReason, messageKindLabel, MESSAGE_KIND_LABELS } from '../../../src/tab-api/delivery-wording.js';
import { toDeliveryError } from '../../../src/teams/delivery.js';
import type { OutboxKind } from '../../../src/domain/cases/types.js';

describe('why a delivery failed, in words', () => {
  it.each([
    [403, undefined, 'the app is not installed for this person (403)'],
    [403, 'ConversationBlockedByUser', 'this person has blocked the app (403, ConversationBlockedByUser)'],
    [403, 'BotNotInConversationRoster', 'the app is not installed for this person (403, BotNotInConversationRoster)'],
    [404, undefined, 'the chat with this person no longer exists (404)'],
    [413, undefined, 'the message was too big for Teams (413)'],
    [429, undefined, 'Teams is holding messages back (too many sent) (429)'],
    [401, undefined, "Teams refused the app's credentials (401)"],
    [502, undefined, 'Teams had a problem on its side (502)'],
    [409, undefined, 'Teams refused the message (409)'],
    [undefined, 'Timeout', 'Teams did not answer in time (Timeout)'],
    [undefined, 'ECONNREFUSED', 'Teams could not be reached (ECONNREFUSED)'],
    [undefined, undefined, 'Teams could not be reached'],
  ] as const)('status %s, code %s → %s', (status, code, words) => {
    expect(failureReason(status, code)).toBe(words);
  });

  it('tells sending, retrying, failed, unreachable and delivered apart', () => {
    expect(deliveryText({ state: 'pending', attempts: 0 })).toBe('Sending');
    expect(deliveryText({ state: 'pending', attempts: 2, lastStatus: 429 })).toBe(
      'Sending: trying again after 2 failed attempts; the last: Teams is holding messages back (too many sent) (429)',
    );
    expect(deliveryText({ state: 'failed', attempts: 1, lastStatus: 403 })).toBe('Could not deliver: the app is not installed for this person (403)');
    expect(deliveryText({ state: 'failed', attempts: 6, lastStatus: 503 })).toBe('Could not deliver: Teams had a problem on its side (503)');
    expect(deliveryText({ state: 'unreachable', attempts: 0 })).toMatch(/^Could not deliver: the app is not installed for this person/);
    expect(deliveryText({ state: 'delivered', attempts: 3 })).toBe('Delivered');
  });

  it('names every kind of message, and a receipt is not an alert', () => {
    const kinds: OutboxKind[] = ['dslAlert', 'sltNotice', 'chairNotice', 'receipt', 'statusUpdate', 'approvalRequest', 'acknowledgementRequest', 'decisionNotice'];
    for (const k of kinds) expect(MESSAGE_KIND_LABELS[k]).toMatch(/^[A-Z][a-z]/);
    expect(new Set(kinds.map((k) => MESSAGE_KIND_LABELS[k])).size).toBe(kinds.length);
    expect(messageKindLabel('receipt')).toBe('Receipt to the reporter');
    expect(messageKindLabel('dslAlert')).toBe('Safeguarding alert to the DSL');
    expect(messageKindLabel('somethingNew')).toBe('Message');
    expect(messageKindLabel(undefined)).toBeNull();
  });
});

describe('a Bot Connector failure keeps its status and code, never its message', () => {
  it('takes the code from the error or from its JSON body', () => {
    const fromError = toDeliveryError({ statusCode: 403, code: 'ConversationBlockedByUser', message: 'Sam Taylor blocked the bot' });
    expect([fromError.status, fromError.code, fromError.retryable]).toEqual([403, 'ConversationBlockedByUser', false]);
    const fromBody = toDeliveryError({ statusCode: 404, response: { status: 404, bodyAsText: JSON.stringify({ error: { code: 'ConversationNotFound', message: 'x' } }) } });
    expect([fromBody.status, fromBody.code]).toEqual([404, 'ConversationNotFound']);
    const parsed = toDeliveryError({ response: { status: 413, parsedBody: { error: { code: 'MessageSizeTooBig' } } } });
    expect([parsed.status, parsed.code, parsed.retryable]).toEqual([413, 'MessageSizeTooBig', false]);
  });

  it('refuses a "code" that is text rather than an identifier', () => {
    expect(toDeliveryError({ statusCode: 400, code: 'Pupil Amelia said: hello' }).code).toBeUndefined();
    expect(toDeliveryError({ statusCode: 400, response: { bodyAsText: 'not json' } }).code).toBeUndefined();
  });

  it('a network failure keeps its code and is retried', () => {
    const e = toDeliveryError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect([e.status, e.code, e.retryable]).toEqual([undefined, 'ECONNREFUSED', true]);
  });
});

import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { ConfigurationBotFrameworkAuthentication, Activity } from 'botbuilder';
import { BotHttpAdapter } from '../../../src/teams/adapter.js';
import { createLogger } from '../../../src/log.js';

const SECRET_TEXT = 'connector said: token for 29:abc expired at https://internal.example/x';

/** The adapter with a stand-in for Bot Framework authentication. */
function adapterWith(auth: Partial<Record<'authenticateRequest' | 'createUserTokenClient', unknown>>) {
  const lines: string[] = [];
  const log = createLogger('info', new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
  const adapter = new BotHttpAdapter(auth as unknown as ConfigurationBotFrameworkAuthentication, log);
  adapter.onTurnError = async () => undefined;
  return { adapter, lines };
}

const activity = (): Activity =>
  ({ type: 'message', id: 'act-1', text: 'a report about a pupil', serviceUrl: 'http://127.0.0.1:9', channelId: 'msteams', conversation: { id: 'conv-1' }, from: { id: 'u' }, recipient: { id: 'b' }, timestamp: '2026-01-10T10:00:00Z' }) as unknown as Activity;

const authenticated = (create: () => Promise<unknown>) => ({
  authenticateRequest: async () => ({ claimsIdentity: { claims: [], isAuthenticated: true, getClaimValue: () => null }, audience: 'a', callerId: undefined, connectorFactory: { create } }),
  createUserTokenClient: async () => ({}),
});

describe('the bot endpoint answers failures in its own words', () => {
  it('answers a failure outside the turn with a bare 500 and logs the error name only', async () => {
    const { adapter, lines } = adapterWith(authenticated(async () => { throw new RangeError(SECRET_TEXT); }));
    const answer = await adapter.answer('Bearer x', activity(), async () => undefined);
    expect(answer).toEqual({ status: 500, body: { error: 'Internal error' } });
    const logged = lines.join('');
    expect(JSON.parse(lines[0]!)).toMatchObject({ errorName: 'RangeError', activityId: 'act-1', conversationId: 'conv-1', msg: 'bot request failed' });
    expect(logged).not.toContain('connector said');
    expect(logged).not.toContain('a report about a pupil');
  });

  it('answers a refused authentication with a bare 401, whatever the reason says', async () => {
    const { adapter, lines } = adapterWith({ authenticateRequest: async () => { throw Object.assign(new Error(SECRET_TEXT), { statusCode: 403 }); } });
    expect(await adapter.answer('Bearer x', activity(), async () => undefined)).toEqual({ status: 401, body: { error: 'Unauthorized' } });
    expect(lines.join('')).not.toContain('connector said');
  });

  it('runs the turn and answers 200 when all is well, with timestamps as dates as the SDK gives them', async () => {
    const { adapter } = adapterWith(authenticated(async () => ({})));
    let seen: unknown;
    const answer = await adapter.answer('Bearer x', activity(), async (ctx) => { seen = ctx.activity.timestamp; });
    expect(answer.status).toBe(200);
    expect(seen).toEqual(new Date('2026-01-10T10:00:00Z'));
  });
});

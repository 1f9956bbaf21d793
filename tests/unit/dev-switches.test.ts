import { describe, expect, it } from 'vitest';
import { DevSwitchError, devMode } from '../../scripts/lib/dev-switches.js';

const BOTH_ON = { DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS: 'true', DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true' };
const TUNNEL = 'https://abc123-3978.euw.devtunnels.ms';

describe('npm run dev: the development switches only for a setup on this machine', () => {
  it.each([
    ['nothing set', {}],
    ['a loopback PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'http://127.0.0.1:3978' }],
    ['localhost as PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'http://localhost:3978' }],
    ['an empty MicrosoftAppId (as in .env.example)', { MicrosoftAppId: '' }],
    ['a switch asked for explicitly', { DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true' }],
  ])('turns both on with %s', (_what, env) => {
    expect(devMode(env)).toEqual({ local: true, switches: BOTH_ON });
  });

  it.each([
    ['MicrosoftAppId', { MicrosoftAppId: '7d2e4b18-1c3a-4f6e-8b9d-0a1b2c3d4e02' }],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: TUNNEL }],
    ['MicrosoftAppId', { MicrosoftAppId: 'bot', PUBLIC_BASE_URL: TUNNEL, DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS: 'false' }],
  ])('turns none on when %s is set (the tunnelled Teams setup, real sign-in)', (because, env) => {
    expect(devMode(env)).toEqual({ local: false, because, switches: {} });
  });

  it.each([
    ['DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS', 'MicrosoftAppId', { MicrosoftAppId: 'bot', DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS: 'true' }],
    ['DANGEROUSLY_ENABLE_DEV_SIGN_IN', 'PUBLIC_BASE_URL', { PUBLIC_BASE_URL: TUNNEL, DANGEROUSLY_ENABLE_DEV_SIGN_IN: '1' }],
  ])('refuses to start with %s next to %s, naming both', (sw, because, env) => {
    expect(() => devMode(env)).toThrow(DevSwitchError);
    expect(() => devMode(env)).toThrow(new RegExp(`^${sw} cannot be on while ${because} is set`));
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const dev = { APP_ENV: 'development', STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };
const prod = {
  APP_ENV: 'production',
  STORAGE_ACCOUNT_NAME: 'saferstore',
  MicrosoftAppId: 'app',
  MicrosoftAppPassword: 'secret',
  LINK_SIGNING_SECRET: 'x'.repeat(40),
  PUBLIC_BASE_URL: 'https://safer.example.org',
  AAD_APP_CLIENT_ID: 'client',
  AAD_APP_TENANT_ID: 'tenant',
};

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
};

describe('configuration', () => {
  it('has safe development defaults on loopback', () => {
    const c = loadConfig(dev);
    expect([c.port, c.host, c.bot.dangerouslyAllowUnauthenticatedRequests, c.storage.kind]).toEqual([3978, '127.0.0.1', false, 'connectionString']);
    expect(Object.isFrozen(c) && Object.isFrozen(c.bot)).toBe(true);
  });

  it('names every problem at once', () => {
    const p = problems({ APP_ENV: 'production' });
    for (const name of ['MicrosoftAppId', 'MicrosoftAppPassword', 'LINK_SIGNING_SECRET', 'PUBLIC_BASE_URL', 'AAD_APP_CLIENT_ID', 'STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_NAME']) {
      expect(p.some((x) => x.startsWith(name))).toBe(true);
    }
  });

  it('refuses the dangerous switches in production and off loopback', () => {
    expect(problems({ ...prod, DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS: 'true' })[0]).toMatch(/^DANGEROUSLY_ALLOW/);
    expect(problems({ ...prod, DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true' })[0]).toMatch(/^DANGEROUSLY_ENABLE_DEV_SIGN_IN/);
    expect(problems({ ...dev, HOST: '0.0.0.0', DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS: 'true' })[0]).toMatch(/^HOST/);
  });

  it('refuses the dangerous switches in a setup reachable from outside (a bot registration or a public address)', () => {
    for (const sw of ['DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS', 'DANGEROUSLY_ENABLE_DEV_SIGN_IN']) {
      expect(problems({ ...dev, [sw]: 'true', MicrosoftAppId: 'bot-app-id' })).toEqual([expect.stringMatching(/^MicrosoftAppId: the DANGEROUSLY_ switches are refused/)]);
      expect(problems({ ...dev, [sw]: 'true', PUBLIC_BASE_URL: 'https://abc123-3978.euw.devtunnels.ms' })).toEqual([expect.stringMatching(/^PUBLIC_BASE_URL: /)]);
      expect(problems({ ...dev, [sw]: '1', PUBLIC_BASE_URL: 'http://127.0.0.1.nip.io:3978' })).toEqual([expect.stringMatching(/^PUBLIC_BASE_URL: /)]);
      // A loopback address is this machine: still the all-local setup.
      for (const url of ['http://127.0.0.1:3978', 'http://localhost:3978/', 'http://[::1]:3978']) {
        expect(loadConfig({ ...dev, [sw]: 'true', PUBLIC_BASE_URL: url }).env).toBe('development');
      }
    }
    // The same settings without a switch: the tunnelled Teams setup, with real sign-in.
    const teams = loadConfig({ ...dev, MicrosoftAppId: 'bot-app-id', PUBLIC_BASE_URL: 'https://abc123-3978.euw.devtunnels.ms' });
    expect([teams.bot.dangerouslyAllowUnauthenticatedRequests, teams.dangerouslyEnableDevSignIn]).toEqual([false, false]);
  });

  it('closes slow-header connections after 20 s unless told otherwise, within sane bounds', () => {
    expect(loadConfig(dev).httpHeadersTimeoutMs).toBe(20_000);
    expect(loadConfig({ ...dev, HTTP_HEADERS_TIMEOUT_MS: '1500' }).httpHeadersTimeoutMs).toBe(1500);
    expect(problems({ ...dev, HTTP_HEADERS_TIMEOUT_MS: '0' })[0]).toMatch(/^HTTP_HEADERS_TIMEOUT_MS/);
    expect(problems({ ...dev, HTTP_HEADERS_TIMEOUT_MS: '600000' })[0]).toMatch(/^HTTP_HEADERS_TIMEOUT_MS/);
  });

  it('accepts a managed identity in production (no secret, no connection string)', () => {
    const c = loadConfig({ ...prod, MicrosoftAppPassword: '', MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 'tenant' });
    expect(c.storage).toMatchObject({ kind: 'managedIdentity', accountName: 'saferstore' });
    expect(c.bot.appType).toBe('UserAssignedMSI');
  });

  it('rejects malformed values with their names', () => {
    expect(problems({ ...dev, PORT: 'eighty' })[0]).toMatch(/^PORT/);
    expect(problems({ ...dev, EVIDENCE_CONTAINER: 'Bad_Name' })[0]).toMatch(/^EVIDENCE_CONTAINER/);
  });

  it('refuses a Key Vault reference that App Service could not resolve, rather than use its text as the secret', () => {
    const ref = '@Microsoft.KeyVault(SecretUri=https://safersocialab12-kv.vault.azure.net/secrets/link-signing-secret)';
    expect(ref.length).toBeGreaterThan(32); // long enough to pass as a signing secret otherwise
    expect(problems({ ...prod, LINK_SIGNING_SECRET: ref, MicrosoftAppPassword: ref.replace('link-signing-secret', 'bot-app-password') })).toEqual([
      "LINK_SIGNING_SECRET: the Key Vault reference was not resolved (does the web app's identity have Key Vault Secrets User on the vault?)",
      "MicrosoftAppPassword: the Key Vault reference was not resolved (does the web app's identity have Key Vault Secrets User on the vault?)",
    ]);
  });
});

import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { DISPATCH_DEFAULTS } from './dispatch-defaults.js';

/**
 * The one place that reads the environment. Everything else receives a frozen `AppConfig`.
 * Every problem is named in one error so that a misconfigured deployment says all that is wrong at once.
 */

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const raw = z.object({
  APP_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_BASE_URL: z.string().url().optional(),

  MicrosoftAppId: z.string().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: z.string().optional(),
  DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS: bool,

  STORAGE_CONNECTION_STRING: z.string().optional(),
  STORAGE_ACCOUNT_NAME: z.string().regex(/^[a-z0-9]{3,24}$/, 'must be 3-24 lowercase letters or digits').optional(),
  EVIDENCE_CONTAINER: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/, 'must be a valid blob container name').default('evidence'),
  TABLE_PREFIX: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,15}$|^$/, 'letters and digits only, starting with a letter').default(''),

  SCHOOLS_SEED_FILE: z.string().default('config/schools.seed.json'),
  POLICIES_DIR: z.string().default('config/policies'),
  TEAMS_APP_ID: z.string().optional(),
  AAD_APP_CLIENT_ID: z.string().optional(),
  AAD_APP_TENANT_ID: z.string().optional(),
  AAD_APP_ID_URI: z.string().optional(),
  SSO_JWKS_URL: z.string().url().default('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
  DANGEROUSLY_ENABLE_DEV_SIGN_IN: bool,
  LINK_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ATTACHMENT_ALLOWED_HOSTS: z.string().default(''),
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).default(5000),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(DISPATCH_DEFAULTS.maxAttempts),
  OUTBOX_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(DISPATCH_DEFAULTS.sendTimeoutMs),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(20_000),
  ROLLOUT_SENDS_PER_SECOND: z.coerce.number().int().min(1).max(45).default(25),
  ROLLOUT_SWEEP_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
});

export type AppEnvironment = 'development' | 'production' | 'test';

export interface AppConfig {
  readonly env: AppEnvironment;
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  readonly publicBaseUrl: string;
  readonly bot: {
    readonly appId: string;
    readonly appPassword: string;
    readonly appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    readonly tenantId: string;
    /** Development only, loopback only: accept /api/messages without a Bot Framework token. */
    readonly dangerouslyAllowUnauthenticatedRequests: boolean;
  };
  readonly storage:
    | { readonly kind: 'connectionString'; readonly connectionString: string; readonly evidenceContainer: string; readonly tablePrefix: string }
    | { readonly kind: 'managedIdentity'; readonly accountName: string; readonly evidenceContainer: string; readonly tablePrefix: string };
  readonly seedFile: string;
  /** The schools' policy profiles and the statutory baseline (config/policies). */
  readonly policiesDir: string;
  readonly teamsAppId: string;
  /** `jwksUrl`: where the tab's Entra token signing keys come from (Microsoft's; tests serve their own on loopback). */
  readonly sso: { readonly clientId: string; readonly tenantId: string; readonly appIdUri: string; readonly jwksUrl: string };
  /** Development only, loopback only: the tab offers "sign in as" a seeded user. */
  readonly dangerouslyEnableDevSignIn: boolean;
  readonly linkSigningSecret: string;
  /** Hosts (host or host:port) evidence may be downloaded from, besides the Teams/Bot Framework hosts. */
  readonly attachmentAllowedHosts: readonly string[];
  readonly outboxPollMs: number;
  /** Delivery attempts per alert before it is marked failed on the case. */
  readonly outboxMaxAttempts: number;
  /** How long one send to the Bot Connector may take before it counts as a failed attempt. */
  readonly outboxSendTimeoutMs: number;
  /** How long a client may take to send a request's headers before the connection is closed (src/server.ts). */
  readonly httpHeadersTimeoutMs: number;
  /**
   * Policy rollout cards and reminders sent a second by this instance, for every school it serves together
   * (Teams allows an app 50 requests a second per tenant; the rest is left for replies and alerts).
   */
  readonly rolloutSendsPerSecond: number;
  /** How often reminders and notes that have fallen due are looked for. */
  readonly rolloutSweepMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DEV_SECRET = 'development-only-link-signing-secret-not-for-production';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopbackHost(host: string): boolean {
  // 127.0.0.0/8 as an address only: a name such as 127.0.0.1.nip.io resolves wherever its owner likes.
  return LOOPBACK_HOSTS.has(host) || /^127(?:\.\d{1,3}){3}$/.test(host);
}

const EXPOSED_REASON = 'that is a setup reachable from outside this machine, through a tunnel or Teams; use real sign-in there';

/**
 * The setting that says this server is meant to be reached from outside this machine (a bot registration,
 * whose messages come through a tunnel, or a public address), or undefined for a purely local setup. The
 * DANGEROUSLY_ switches are refused with either: here at start, and by `npm run dev` before it turns them on.
 */
export function reachableFromOutside(env: { MicrosoftAppId?: string; PUBLIC_BASE_URL?: string }): 'MicrosoftAppId' | 'PUBLIC_BASE_URL' | undefined {
  if (env.MicrosoftAppId) return 'MicrosoftAppId';
  if (!env.PUBLIC_BASE_URL) return undefined;
  let hostname: string;
  try {
    hostname = new URL(env.PUBLIC_BASE_URL).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return 'PUBLIC_BASE_URL';
  }
  return isLoopbackHost(hostname) ? undefined : 'PUBLIC_BASE_URL';
}

/** Parse and validate an environment (defaults to `process.env`). Throws `ConfigError` naming every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = raw.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const isProd = e.APP_ENV === 'production';
  const host = e.HOST ?? (isProd ? '0.0.0.0' : '127.0.0.1');

  if (isProd) {
    if (!e.MicrosoftAppId) problems.push('MicrosoftAppId: required in production (the bot registration\'s app id)');
    if (e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
      problems.push('MicrosoftAppPassword: required in production unless MicrosoftAppType=UserAssignedMSI');
    }
    if (e.MicrosoftAppType !== 'MultiTenant' && !e.MicrosoftAppTenantId) {
      problems.push('MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant or UserAssignedMSI');
    }
    if (e.DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS) problems.push('DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS: not allowed in production');
    if (e.DANGEROUSLY_ENABLE_DEV_SIGN_IN) problems.push('DANGEROUSLY_ENABLE_DEV_SIGN_IN: not allowed in production');
    if (!e.LINK_SIGNING_SECRET) problems.push('LINK_SIGNING_SECRET: required in production (32+ random characters)');
    if (!e.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL: required in production (https://<your app domain>)');
    if (!e.AAD_APP_CLIENT_ID) problems.push('AAD_APP_CLIENT_ID: required in production (the Entra app for tab single sign-on)');
    if (!e.AAD_APP_TENANT_ID) problems.push('AAD_APP_TENANT_ID: required in production');
    // App Service passes a Key Vault reference it could not resolve through as its own text, which is public.
    for (const name of ['LINK_SIGNING_SECRET', 'MicrosoftAppPassword'] as const) {
      if (e[name]?.startsWith('@Microsoft.KeyVault(')) {
        problems.push(`${name}: the Key Vault reference was not resolved (does the web app's identity have Key Vault Secrets User on the vault?)`);
      }
    }
    const jwks = new URL(e.SSO_JWKS_URL);
    if (jwks.protocol !== 'https:' && !isLoopbackHost(jwks.hostname.replace(/^\[|\]$/g, ''))) {
      problems.push('SSO_JWKS_URL: must be https (plain http is accepted for a loopback test server only)');
    }
  } else {
    const unauth = e.DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS || e.DANGEROUSLY_ENABLE_DEV_SIGN_IN;
    if (unauth && !isLoopbackHost(host)) {
      problems.push(`HOST: the DANGEROUSLY_ switches need a loopback HOST (127.0.0.1), not ${host}`);
    }
    const exposed = unauth ? reachableFromOutside(e) : undefined;
    if (exposed) problems.push(`${exposed}: the DANGEROUSLY_ switches are refused when it is set (${EXPOSED_REASON})`);
  }
  if (!e.STORAGE_CONNECTION_STRING && !e.STORAGE_ACCOUNT_NAME) {
    problems.push('STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_NAME: one is required (UseDevelopmentStorage=true for Azurite)');
  }
  if (!existsSync(e.SCHOOLS_SEED_FILE)) problems.push(`SCHOOLS_SEED_FILE: no file at ${e.SCHOOLS_SEED_FILE}`);
  if (!existsSync(e.POLICIES_DIR)) problems.push(`POLICIES_DIR: no folder at ${e.POLICIES_DIR}`);
  if (problems.length > 0) throw new ConfigError(problems);

  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${e.PORT}`).replace(/\/$/, '');
  const clientId = e.AAD_APP_CLIENT_ID ?? '';
  const config: AppConfig = {
    env: e.APP_ENV,
    port: e.PORT,
    host,
    logLevel: e.LOG_LEVEL,
    publicBaseUrl,
    bot: {
      appId: e.MicrosoftAppId ?? '',
      appPassword: e.MicrosoftAppPassword ?? '',
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId ?? '',
      dangerouslyAllowUnauthenticatedRequests: !isProd && e.DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS,
    },
    storage: e.STORAGE_CONNECTION_STRING
      ? { kind: 'connectionString', connectionString: e.STORAGE_CONNECTION_STRING, evidenceContainer: e.EVIDENCE_CONTAINER, tablePrefix: e.TABLE_PREFIX }
      : { kind: 'managedIdentity', accountName: e.STORAGE_ACCOUNT_NAME!, evidenceContainer: e.EVIDENCE_CONTAINER, tablePrefix: e.TABLE_PREFIX },
    seedFile: e.SCHOOLS_SEED_FILE,
    policiesDir: e.POLICIES_DIR,
    teamsAppId: e.TEAMS_APP_ID ?? '',
    sso: {
      clientId,
      tenantId: e.AAD_APP_TENANT_ID ?? '',
      appIdUri: e.AAD_APP_ID_URI ?? (clientId ? `api://${new URL(publicBaseUrl).host}/${clientId}` : ''),
      jwksUrl: e.SSO_JWKS_URL,
    },
    dangerouslyEnableDevSignIn: !isProd && e.DANGEROUSLY_ENABLE_DEV_SIGN_IN,
    linkSigningSecret: e.LINK_SIGNING_SECRET ?? DEV_SECRET,
    attachmentAllowedHosts: e.ATTACHMENT_ALLOWED_HOSTS.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
    outboxPollMs: e.OUTBOX_POLL_MS,
    outboxMaxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    outboxSendTimeoutMs: e.OUTBOX_SEND_TIMEOUT_MS,
    rolloutSendsPerSecond: e.ROLLOUT_SENDS_PER_SECOND,
    rolloutSweepMs: e.ROLLOUT_SWEEP_MS,
    httpHeadersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
  };
  return deepFreeze(config);
}

/** Read a JSON file given by configuration (the seed). Kept here so no other module touches paths from the environment. */
export function readJsonFile(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function deepFreeze<T>(o: T): T {
  for (const v of Object.values(o as object)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}

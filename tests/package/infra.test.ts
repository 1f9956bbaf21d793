import { blockedConnections } from './network-guard.js';
import { afterAll, describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_COMMAND } from '../../scripts/build-options.js';
import { parse } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ROOT } from '../../scripts/lib-package/paths.js';
import { placeholdersIn } from '../../scripts/lib-package/placeholders.js';
import {
  bodyAt,
  declaredSymbols,
  literal,
  outputs,
  params,
  resourceBody,
  resources,
  stripComments,
  topLevelEntries,
} from './bicep-text.js';

/*
 * No Bicep compiler runs on this machine, so infra/azure.bicep is cross-checked as text against
 * the files it must agree with: azure.parameters.json and teamsapp.yml (what the Toolkit passes),
 * src/config.ts (what the server needs in production), and the manifest (what it must output).
 */

const bicep = readFileSync(join(ROOT, 'infra', 'azure.bicep'), 'utf8');
const code = stripComments(bicep);
const parameterFile = JSON.parse(readFileSync(join(ROOT, 'infra', 'azure.parameters.json'), 'utf8'));
const teamsapp = parse(readFileSync(join(ROOT, 'teamsapp.yml'), 'utf8'));
const declaredParams = params(bicep);
const appSettings = topLevelEntries(propertiesOf(resourceBody(bicep, 'webAppSettings')));

function propertiesOf(body: string): string {
  const at = body.search(/^\s*properties\s*:\s*\{/m);
  if (at < 0) throw new Error('no properties block');
  return bodyAt(body, at);
}

afterAll(() => {
  expect(blockedConnections).toEqual([]);
});

describe('infra/azure.bicep ↔ azure.parameters.json ↔ teamsapp.yml', () => {
  it('teamsapp.yml deploys this template with this parameters file', () => {
    const arm = teamsapp.provision.find((s: { uses: string }) => s.uses === 'arm/deploy');
    expect(arm.with.templates).toEqual([expect.objectContaining({ path: './infra/azure.bicep', parameters: './infra/azure.parameters.json' })]);
  });

  it('every parameter the Toolkit passes exists in the Bicep file', () => {
    const names = declaredParams.map((p) => p.name);
    expect(Object.keys(parameterFile.parameters).filter((p) => !names.includes(p))).toEqual([]);
  });

  it('every Bicep parameter without a default is passed', () => {
    const required = declaredParams.filter((p) => !p.hasDefault).map((p) => p.name);
    expect(required.filter((p) => !(p in parameterFile.parameters))).toEqual([]);
  });

  it('secrets are @secure() parameters fed from SECRET_ variables (masked in Toolkit logs, kept in .user files)', () => {
    const secure = declaredParams.filter((p) => p.secure).map((p) => p.name).sort();
    expect(secure).toEqual(['botAadAppClientSecret', 'linkSigningSecret']);
    for (const p of secure) expect(parameterFile.parameters[p].value).toMatch(/^\$\{\{SECRET_[A-Z_]+\}\}$/);
    const fromSecrets = Object.entries(parameterFile.parameters)
      .filter(([, v]) => placeholdersIn(v).some((n) => n.startsWith('SECRET_')))
      .map(([k]) => k)
      .sort();
    expect(fromSecrets).toEqual(secure);
  });

  it('outputs what the manifest and the later steps need', () => {
    const outs = outputs(bicep);
    for (const o of ['TAB_DOMAIN', 'TAB_ENDPOINT', 'BOT_DOMAIN', 'BOT_AZURE_APP_SERVICE_RESOURCE_ID']) expect(outs).toContain(o);
    expect(code).toMatch(/output TAB_ENDPOINT string = 'https:\/\/\$\{webApp\.properties\.defaultHostName\}'/);
  });

  it('uses every parameter and variable it declares, and references only declared symbols', () => {
    const symbols = declaredSymbols(bicep);
    const names = new Set(symbols.map((s) => s.name));
    for (const s of symbols.filter((x) => x.kind === 'param' || x.kind === 'var')) {
      const uses = code.match(new RegExp(`\\b${s.name}\\b`, 'g'))?.length ?? 0;
      expect(uses, `${s.kind} ${s.name} is never used`).toBeGreaterThan(1);
    }
    const builtins = new Set(['resourceGroup', 'subscription', 'tenant', 'az', 'sys']);
    const referenced = [
      ...[...code.matchAll(/\b([A-Za-z_]\w*)\.(id|name|properties|identity)\b/g)].map((m) => m[1]),
      ...[...code.matchAll(/^\s*(?:parent|scope):\s*(\w+)\s*$/gm)].map((m) => m[1]),
    ];
    expect(referenced.filter((r) => !names.has(r) && !builtins.has(r))).toEqual([]);
  });

  it('is structurally sound: balanced braces, dated API versions', () => {
    let depth = 0;
    for (const ch of code.replace(/'(?:[^'\\]|\\.)*'/g, "''")) {
      if (ch === '{' || ch === '[' || ch === '(') depth++;
      if (ch === '}' || ch === ']' || ch === ')') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    for (const r of resources(bicep)) expect(r.apiVersion, r.type).toMatch(/^\d{4}-\d{2}-\d{2}(-preview)?$/);
  });
});

describe('infra/azure.bicep resources', () => {
  const types = resources(bicep).map((r) => r.type);

  it('has a Linux web app on Node 22 LTS with a system-assigned identity and the /readyz health check', () => {
    expect(types).toEqual(expect.arrayContaining(['Microsoft.Web/serverfarms', 'Microsoft.Web/sites']));
    const site = resourceBody(bicep, 'webApp');
    expect(site).toMatch(/kind: 'app,linux'/);
    expect(site).toMatch(/type: 'SystemAssigned'/);
    expect(site).toMatch(/linuxFxVersion: 'NODE\|22-lts'/);
    expect(site).toMatch(/healthCheckPath: '\/readyz'/);
    expect(site).toContain(`appCommandLine: '${SERVER_COMMAND}'`);
    // `npm start` runs the server the same way (its heap budget included).
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts.start).toBe(SERVER_COMMAND);
    expect(site).toMatch(/httpsOnly: true/);
    expect(site).toMatch(/minTlsVersion: '1\.2'/);
    expect(resourceBody(bicep, 'serverfarm')).toMatch(/reserved: true/);
    expect(bicep).toMatch(/\/\/.*Node 20 reached\s+\/\/?.*end of life|Node 20 reached end of life/s);
  });

  it('has an Azure Bot with the Microsoft Teams channel, single tenant, pointing at /api/messages', () => {
    const bot = resourceBody(bicep, 'botService');
    expect(types).toContain('Microsoft.BotService/botServices');
    expect(bot).toMatch(/endpoint: 'https:\/\/\$\{webApp\.properties\.defaultHostName\}\/api\/messages'/);
    expect(bot).toMatch(/msaAppId: botAadAppClientId/);
    expect(bot).toMatch(/msaAppType: 'SingleTenant'/);
    const channel = resourceBody(bicep, 'botServiceMsTeamsChannel');
    expect(channel).toMatch(/channelName: 'MsTeamsChannel'/);
    expect(channel).toMatch(/isEnabled: true/);
  });

  it('has a locked-down storage account with a private evidence container', () => {
    const st = resourceBody(bicep, 'storage');
    expect(st).toMatch(/allowBlobPublicAccess: false/);
    expect(st).toMatch(/minimumTlsVersion: 'TLS1_2'/);
    expect(st).toMatch(/supportsHttpsTrafficOnly: true/);
    expect(st).toMatch(/allowSharedKeyAccess: allowSharedKeyAccess/);
    expect(declaredParams.find((p) => p.name === 'allowSharedKeyAccess')).toBeDefined();
    expect(code).toMatch(/param allowSharedKeyAccess bool = false/);
    const container = resourceBody(bicep, 'evidenceContainer');
    expect(container).toMatch(/publicAccess: 'None'/);
  });

  it('gives the web app identity Table and Blob Data Contributor on the storage account', () => {
    // built-in role definition ids
    const roles = { table: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', blob: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' };
    for (const [symbol, roleVar] of [['tableDataContributor', 'storageTableDataContributorRoleId'], ['blobDataContributor', 'storageBlobDataContributorRoleId']]) {
      const body = resourceBody(bicep, symbol);
      expect(body).toMatch(/scope: storage\b/);
      expect(body).toMatch(/principalId: webApp\.identity\.principalId/);
      expect(body).toMatch(/principalType: 'ServicePrincipal'/);
      expect(body).toContain(roleVar);
    }
    expect(code).toContain(`storageTableDataContributorRoleId = '${roles.table}'`);
    expect(code).toContain(`storageBlobDataContributorRoleId = '${roles.blob}'`);
  });

  it('has Application Insights on a Log Analytics workspace, wired into the app settings', () => {
    expect(types).toEqual(expect.arrayContaining(['Microsoft.Insights/components', 'Microsoft.OperationalInsights/workspaces']));
    expect(appSettings.get('APPLICATIONINSIGHTS_CONNECTION_STRING')).toBe('appInsights.properties.ConnectionString');
  });
});

describe('infra/azure.bicep keeps secrets in Key Vault and storage off the open internet', () => {
  const SECURE = ['botAadAppClientSecret', 'linkSigningSecret'];
  const secretResources = resources(bicep).filter((r) => r.type === 'Microsoft.KeyVault/vaults/secrets');

  it('has a Key Vault that authorises with Azure RBAC (no access policies) and keeps deleted secrets', () => {
    expect(resources(bicep).map((r) => r.type)).toContain('Microsoft.KeyVault/vaults');
    const kv = resourceBody(bicep, 'keyVault');
    expect(kv).toMatch(/enableRbacAuthorization: true/);
    expect(kv).toMatch(/enableSoftDelete: true/);
    expect(kv).not.toMatch(/accessPolicies/);
  });

  it('stores each secret parameter in the vault, and nowhere else', () => {
    const stored = secretResources.map((r) => {
      const body = resourceBody(bicep, r.name);
      expect(body).toMatch(/parent: keyVault\b/);
      return /^\s*value: (\w+)\s*$/m.exec(body)?.[1];
    });
    expect(stored.sort()).toEqual(SECURE);
    // Each secure parameter is used once: as the value of its secret.
    for (const p of SECURE) expect(code.match(new RegExp(`\\b${p}\\b`, 'g'))?.length, p).toBe(2);
  });

  it('gives the app its secrets as Key Vault references (no version: a rotated secret is picked up)', () => {
    for (const [setting, secret] of [['MicrosoftAppPassword', 'botPasswordSecret'], ['LINK_SIGNING_SECRET', 'linkSigningSecretValue']]) {
      expect(appSettings.get(setting), setting).toBe(`'@Microsoft.KeyVault(SecretUri=\${${secret}.properties.secretUri})'`);
      expect(secretResources.map((r) => r.name)).toContain(secret);
    }
    for (const [name, value] of appSettings) for (const p of SECURE) expect(value, name).not.toMatch(new RegExp(`\\b${p}\\b`));
  });

  it("lets the web app's identity read the vault's secrets (Key Vault Secrets User), before the settings that need them", () => {
    const body = resourceBody(bicep, 'keyVaultSecretsUser');
    expect(body).toMatch(/scope: keyVault\b/);
    expect(body).toMatch(/principalId: webApp\.identity\.principalId/);
    expect(body).toContain('keyVaultSecretsUserRoleId');
    expect(code).toContain("keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'");
    expect(resourceBody(bicep, 'webAppSettings')).toMatch(/dependsOn: \[\s*keyVaultSecretsUser\s*\]/);
  });

  it("admits only the web app's subnet to storage (a service endpoint through VNet integration; IP rules would not work in-region)", () => {
    const st = resourceBody(bicep, 'storage');
    expect(st).toMatch(/defaultAction: 'Deny'/);
    expect(st).toMatch(/virtualNetworkRules: \[\s*\{\s*id: vnet\.properties\.subnets\[0\]\.id\s*action: 'Allow'/);
    expect(code).not.toMatch(/defaultAction: 'Allow'/);
    const net = resourceBody(bicep, 'vnet');
    expect(net).toMatch(/serviceName: 'Microsoft\.Web\/serverFarms'/);
    expect(net).toMatch(/service: 'Microsoft\.Storage'/);
    expect(resourceBody(bicep, 'webApp')).toMatch(/virtualNetworkSubnetId: vnet\.properties\.subnets\[0\]\.id/);
    // VNet integration needs a Basic (B1) plan or higher: not Free or Shared.
    expect(literal(code.match(/param webAppSku string = (.*)/)![1])).toMatch(/^(B|S|P)\d/);
    expect(parameterFile.parameters.webAppSku.value).toMatch(/^(B|S|P)\d/);
  });

  it('allows no basic-auth publishing (FTP or SCM), only HTTPS, TLS 1.2 and no FTP', () => {
    const policies = resources(bicep).filter((r) => r.type === 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    const names = policies.map((r) => {
      const body = resourceBody(bicep, r.name);
      expect(body).toMatch(/parent: webApp\b/);
      expect(body).toMatch(/allow: false/);
      return literal(/^\s*name: (.*)$/m.exec(body)![1]);
    });
    expect(names.sort()).toEqual(['ftp', 'scm']);
    const site = resourceBody(bicep, 'webApp');
    for (const setting of [/httpsOnly: true/, /minTlsVersion: '1\.2'/, /scmMinTlsVersion: '1\.2'/, /ftpsState: 'Disabled'/]) expect(site).toMatch(setting);
  });
});

describe('web app settings ↔ src/config.ts (production)', () => {
  /** Plausible values for the settings that are expressions in Bicep; literals are used as they are. */
  const DUMMY: Record<string, string> = {
    PUBLIC_BASE_URL: 'https://safersocialab12cd.azurewebsites.net',
    MicrosoftAppId: '7d2e4b18-1c3a-4f6e-8b9d-0a1b2c3d4e02',
    MicrosoftAppPassword: 'dummy-bot-secret',
    MicrosoftAppTenantId: '5a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c03',
    AAD_APP_CLIENT_ID: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c04',
    AAD_APP_TENANT_ID: '5a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c03',
    AAD_APP_ID_URI: 'api://safersocialab12cd.azurewebsites.net/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c04',
    TEAMS_APP_ID: '3f6c1a52-8f4e-4d0b-9a0e-2b7c5d1e9a01',
    LINK_SIGNING_SECRET: 'x'.repeat(48),
    STORAGE_ACCOUNT_NAME: 'safersocialab12cdst',
    EVIDENCE_CONTAINER: 'evidence',
    APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
  };

  /** The environment App Service would give the server: exactly the Bicep settings' names. */
  function azureEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of appSettings) {
      env[name] = literal(value) ?? DUMMY[name] ?? `dummy-${name}`;
    }
    // The seed path is relative to the app's working directory; in App Service that is the
    // deployed folder (stage-deploy puts the seed there). Here, the repository root's example.
    env.SCHOOLS_SEED_FILE = join(ROOT, literal(appSettings.get('SCHOOLS_SEED_FILE') ?? '') ?? 'config/schools.seed.json');
    return env;
  }

  function problemsOf(env: NodeJS.ProcessEnv): string[] {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
  }

  it('the Bicep settings make a valid production configuration with managed-identity storage', () => {
    const config = loadConfig(azureEnv());
    expect(config.env).toBe('production');
    expect(config.storage.kind).toBe('managedIdentity');
    expect(config.bot.appType).toBe('SingleTenant');
    expect(config.host).toBe('0.0.0.0'); // App Service forwards to the container's port, PORT is set by the platform
  });

  it('removing any setting the server requires makes it refuse to start, naming the setting', () => {
    const required: string[] = [];
    for (const name of appSettings.keys()) {
      const env = azureEnv();
      delete env[name];
      const problems = problemsOf(env);
      if (problems.length > 0) {
        required.push(name);
        expect(problems.join('\n'), `removing ${name}`).toContain(name);
      }
    }
    expect(required.sort()).toEqual(
      expect.arrayContaining([
        'AAD_APP_CLIENT_ID', 'AAD_APP_TENANT_ID', 'LINK_SIGNING_SECRET', 'MicrosoftAppId', 'MicrosoftAppPassword',
        'MicrosoftAppTenantId', 'PUBLIC_BASE_URL', 'STORAGE_ACCOUNT_NAME',
      ]),
    );
  });

  it('covers everything config.ts asks for in production (discovered from its own error list)', () => {
    // An empty production environment makes loadConfig name every required variable at once.
    const asked = problemsOf({ APP_ENV: 'production', SCHOOLS_SEED_FILE: join(ROOT, 'config', 'schools.seed.json') })
      .map((p) => p.slice(0, p.indexOf(':')))
      .filter((n) => /^[A-Za-z_][\w ]*$/.test(n));
    expect(asked.length).toBeGreaterThan(4);
    const set = new Set(appSettings.keys());
    const missing = asked.filter((n) => !n.split(' or ').some((alternative) => set.has(alternative.trim())));
    expect(missing).toEqual([]);
  });

  it('an unresolved Key Vault reference stops the server, naming the setting (App Service would pass the reference text on)', () => {
    const env = azureEnv();
    for (const name of ['LINK_SIGNING_SECRET', 'MicrosoftAppPassword']) env[name] = appSettings.get(name)!.replace(/^'|'$/g, '');
    expect(problemsOf(env).map((p) => p.slice(0, p.indexOf(':')))).toEqual(['LINK_SIGNING_SECRET', 'MicrosoftAppPassword']);
  });

  it('sets nothing dangerous: no connection string, no account key, no development switches', () => {
    const names = [...appSettings.keys()];
    expect(names).not.toContain('STORAGE_CONNECTION_STRING');
    expect(names.filter((n) => n.startsWith('DANGEROUSLY_'))).toEqual([]);
    expect(code).not.toMatch(/listKeys\(|AccountKey=/);
    expect(literal(appSettings.get('APP_ENV') ?? '')).toBe('production');
  });
});

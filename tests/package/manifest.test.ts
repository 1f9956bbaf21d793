import { blockedConnections } from './network-guard.js';
import { afterAll, describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { loadEnvironment } from '../../scripts/lib-package/env-file.js';
import {
  bundledSchemaPath,
  errorPath,
  REQUIRED_BOT_COMMANDS,
  schemaErrors,
  semanticProblems,
  valueAt,
  type Manifest,
} from '../../scripts/lib-package/manifest.js';
import { MANIFEST_PATH } from '../../scripts/lib-package/paths.js';
import { fillPlaceholders, placeholdersIn } from '../../scripts/lib-package/placeholders.js';
import { OPTIONAL_VARIABLES } from '../../scripts/lib-package/build-package.js';
import { PROVISION_OUTPUTS_DEV, PROVISION_OUTPUTS_LOCAL } from './fixtures.js';

const template = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Manifest;

function filled(env: 'dev' | 'local'): Manifest {
  const vars = { ...loadEnvironment(env, undefined, {}).values, ...(env === 'dev' ? PROVISION_OUTPUTS_DEV : PROVISION_OUTPUTS_LOCAL) };
  const { value, missing } = fillPlaceholders(template, vars, OPTIONAL_VARIABLES);
  expect(missing).toEqual([]);
  return value;
}

afterAll(() => {
  expect(blockedConnections).toEqual([]);
});

describe('appPackage/manifest.json (template)', () => {
  it('declares a $schema that @microsoft/app-manifest bundles, matching manifestVersion', () => {
    const file = bundledSchemaPath(template.$schema);
    expect(file).toMatch(/json-schemas[\\/]teams[\\/]v1\.\d+[\\/]MicrosoftTeams\.schema\.json$/);
    expect(template.$schema).toContain(`/v${template.manifestVersion}/`);
  });

  it('refuses a schema version that is not bundled instead of fetching it', () => {
    expect(() => bundledSchemaPath('https://developer.microsoft.com/en-us/json-schemas/teams/v1.18/MicrosoftTeams.schema.json')).toThrow(/not bundled/);
    expect(() => bundledSchemaPath('https://example.com/schema.json')).toThrow();
  });

  it('is schema-valid apart from fields that hold ${{...}} placeholders', async () => {
    const errors = await schemaErrors(template);
    const notPlaceholder = errors.filter((e) => {
      const v = valueAt(template, errorPath(e));
      return !(typeof v === 'string' && v.includes('${{'));
    });
    expect(notPlaceholder).toEqual([]);
    // and the filter is not vacuous: a real mistake outside a placeholder is reported
    const broken = structuredClone(template);
    broken.bots[0].supportsFile = true;
    const brokenErrors = await schemaErrors(broken);
    expect(brokenErrors.some((e) => errorPath(e) === '/bots/0' && /additional properties/.test(e))).toBe(true);
  });

  it('uses the agreed placeholders for what differs per environment', () => {
    expect(template.id).toBe('${{TEAMS_APP_ID}}');
    expect(template.bots[0].botId).toBe('${{BOT_ID}}');
    expect(template.webApplicationInfo).toEqual({
      id: '${{AAD_APP_CLIENT_ID}}',
      resource: 'api://${{TAB_DOMAIN}}/${{AAD_APP_CLIENT_ID}}',
    });
    expect(template.validDomains).toEqual(['${{TAB_DOMAIN}}']);
    expect(template.developer.privacyUrl).toBe('${{PRIVACY_URL}}');
    expect(template.developer.termsOfUseUrl).toBe('${{TERMS_OF_USE_URL}}');
  });

  it('has the bot in personal and team scopes with files and the five commands', () => {
    const bot = template.bots[0];
    expect(bot.scopes).toEqual(expect.arrayContaining(['personal', 'team']));
    expect(bot.scopes).not.toContain('groupChat');
    expect(bot.supportsFiles).toBe(true);
    const personal = bot.commandLists.find((l: Manifest) => l.scopes.includes('personal'));
    expect(personal.commands.map((c: Manifest) => c.title)).toEqual(REQUIRED_BOT_COMMANDS);
    for (const c of personal.commands) expect(c.description.length).toBeGreaterThan(10);
  });

  it('has the Cases tab: a personal static tab and a configurable tab for an SLT team channel', () => {
    const cases = template.staticTabs.find((t: Manifest) => t.entityId === 'cases');
    expect(cases).toMatchObject({ name: 'Cases', contentUrl: '${{TAB_ENDPOINT}}/tab/index.html', scopes: ['personal'] });
    expect(template.configurableTabs).toEqual([
      expect.objectContaining({ configurationUrl: '${{TAB_ENDPOINT}}/tab/config.html', scopes: ['team'], context: ['channelTab'] }),
    ]);
  });

  it('describes what the app does for a school', () => {
    expect(template.description.short.length).toBeLessThanOrEqual(80);
    expect(template.description.short).toMatch(/report/i);
    for (const phrase of [/school/i, /safeguarding lead/i, /cyberbullying/i, /Cases tab/, /family relationship/i, /school's own Azure storage/]) {
      expect(template.description.full).toMatch(phrase);
    }
  });

  it('declares every placeholder it uses in env/.env.dev and env/.env.local', () => {
    const names = placeholdersIn(template);
    for (const env of ['dev', 'local']) {
      const declared = Object.keys(loadEnvironment(env, undefined, {}).values);
      expect(names.filter((n) => !declared.includes(n)), `undeclared in env/.env.${env}`).toEqual([]);
    }
  });
});

describe.each(['dev', 'local'] as const)('filled manifest (%s)', (env) => {
  it('passes the bundled schema and the semantic checks', async () => {
    const m = filled(env);
    expect(await schemaErrors(m)).toEqual([]);
    expect(semanticProblems(m)).toEqual([]);
  });

  it('passes AppManifestUtils.readAndValidateTeamsManifest offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'safer-social-manifest-'));
    const file = join(dir, 'manifest.json');
    writeFileSync(file, JSON.stringify(filled(env), null, 2));
    const [manifest, errors] = await AppManifestUtils.readAndValidateTeamsManifest(file);
    expect(errors).toEqual([]);
    expect(manifest.id).toBe(PROVISION_OUTPUTS_DEV.TEAMS_APP_ID);
  });
});

describe('semantic checks', () => {
  it('catch a tab outside validDomains, a bad resource URI and a missing command', () => {
    const m = filled('dev');
    m.staticTabs[1].contentUrl = 'https://elsewhere.example/tab/index.html';
    m.webApplicationInfo.resource = `api://other.example/${m.webApplicationInfo.id}`;
    m.bots[0].commandLists[0].commands.pop();
    const problems = semanticProblems(m).join('\n');
    expect(problems).toMatch(/elsewhere\.example is not in validDomains/);
    expect(problems).toMatch(/webApplicationInfo\.resource/);
    expect(problems).toMatch(/"help" is missing/);
  });

  it('report leftover placeholders and non-GUID ids', () => {
    const problems = semanticProblems(template).join('\n');
    expect(problems).toMatch(/unfilled placeholders/);
    expect(problems).toMatch(/id: must be a GUID/);
  });
});

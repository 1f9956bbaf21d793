import { blockedConnections } from './network-guard.js';
import { afterAll, describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { buildAppPackage, PackageError } from '../../scripts/lib-package/build-package.js';
import { loadEnvironment, parseEnvFile } from '../../scripts/lib-package/env-file.js';
import { ICONS, ROOT } from '../../scripts/lib-package/paths.js';
import { createZip, readZip } from '../../scripts/lib-package/zip.js';
import { stageDeploy } from '../../scripts/lib-package/stage-deploy.js';
import { PROVISION_OUTPUTS_DEV, PROVISION_OUTPUTS_LOCAL } from './fixtures.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), `safer-social-${p}-`));

afterAll(() => {
  expect(blockedConnections).toEqual([]);
});

describe.each([
  ['dev', PROVISION_OUTPUTS_DEV, 'Safer Social (dev)'],
  ['local', PROVISION_OUTPUTS_LOCAL, 'Safer Social (local)'],
] as const)('npm run package -- --env %s', (env, outputs, shortName) => {
  it(`builds appPackage.${env}.zip with the manifest filled from env/.env.${env}`, async () => {
    const outDir = tmp(`pkg-${env}`);
    const { zipPath, manifestOutPath } = await buildAppPackage({ env, overrides: outputs, outDir, processEnv: {} });
    expect(zipPath).toBe(join(outDir, `appPackage.${env}.zip`));
    const files = readZip(readFileSync(zipPath));
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect(manifest.name.short).toBe(shortName);
    expect(manifest.id).toBe(outputs.TEAMS_APP_ID);
    expect(manifest.bots[0].botId).toBe(outputs.BOT_ID);
    expect(manifest.staticTabs[1].contentUrl).toBe(`${outputs.TAB_ENDPOINT}/tab/index.html`);
    expect(manifest.webApplicationInfo.resource).toBe(`api://${outputs.TAB_DOMAIN}/${outputs.AAD_APP_CLIENT_ID}`);
    expect(manifest.validDomains).toEqual([outputs.TAB_DOMAIN]);
    expect(files.get('color.png')!.equals(readFileSync(ICONS.color.png))).toBe(true);
    expect(files.get('outline.png')!.equals(readFileSync(ICONS.outline.png))).toBe(true);
    // the filled manifest written beside the zip validates with the library's own entry point, offline
    const [, errors] = await AppManifestUtils.readAndValidateTeamsManifest(manifestOutPath);
    expect(errors).toEqual([]);
  });
});

describe('packaging', () => {
  it('is reproducible: the same inputs give the same bytes', async () => {
    const a = await buildAppPackage({ env: 'dev', overrides: PROVISION_OUTPUTS_DEV, outDir: tmp('a'), processEnv: {} });
    const b = await buildAppPackage({ env: 'dev', overrides: PROVISION_OUTPUTS_DEV, outDir: tmp('b'), processEnv: {} });
    expect(readFileSync(a.zipPath).equals(readFileSync(b.zipPath))).toBe(true);
  });

  it('refuses to build before provisioning, naming the missing values and the fix', async () => {
    const outDir = tmp('missing');
    const err = await buildAppPackage({ env: 'dev', overrides: { TEAMS_APP_ID: '', BOT_ID: '' }, outDir, processEnv: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackageError);
    expect((err as Error).message).toMatch(/BOT_ID/);
    expect((err as Error).message).toMatch(/TEAMS_APP_ID/);
    expect((err as Error).message).toMatch(/teamsapp provision --env dev --telemetry false/);
    expect(existsSync(join(outDir, 'appPackage.dev.zip'))).toBe(false);
  });

  it('refuses a filled manifest that breaks the schema', async () => {
    const err = await buildAppPackage({
      env: 'dev',
      overrides: { ...PROVISION_OUTPUTS_DEV, PRIVACY_URL: 'not a url' },
      outDir: tmp('bad'),
      processEnv: {},
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/schema: \/developer\/privacyUrl/);
  });

  it('the CLI reports an unknown environment and exits 1', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'package-app.ts'), '--env', 'no-such-env'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no environment file .*\.env\.no-such-env/);
  });
});

describe('zip', () => {
  it('round-trips and is readable by an independent unzip', () => {
    const entries = [
      { name: 'manifest.json', data: Buffer.from('{"a":1}') },
      { name: 'color.png', data: readFileSync(ICONS.color.png) },
    ];
    const zip = createZip(entries);
    const back = readZip(zip);
    for (const e of entries) expect(back.get(e.name)!.equals(e.data)).toBe(true);
    if (existsSync('/usr/bin/unzip')) {
      const dir = tmp('zip');
      writeFileSync(join(dir, 'p.zip'), zip);
      const r = spawnSync('/usr/bin/unzip', ['-tq', join(dir, 'p.zip')], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toMatch(/No errors detected/);
    }
  });
});

describe('env files', () => {
  it('parse like dotenv: quotes, comments, export, escapes', () => {
    const v = parseEnvFile(
      ['# comment', 'A=1', 'export B = two words # trailing', 'C=" (dev)"', "D='x # y'", 'E="line\\nbreak"', 'F=', 'not a line'].join('\n'),
    );
    expect(v).toEqual({ A: '1', B: 'two words', C: ' (dev)', D: 'x # y', E: 'line\nbreak', F: '' });
  });

  it('merge like the Toolkit: non-empty process env, then .env.<env>, then .env.<env>.user', () => {
    const dir = tmp('env');
    writeFileSync(join(dir, '.env.x'), 'A=1\nB=\nC=3\nD=\n');
    writeFileSync(join(dir, '.env.x.user'), 'A=user\nB=2\nSECRET_E=s\n');
    expect(loadEnvironment('x', dir, {}).values).toEqual({ A: '1', B: '2', C: '3', D: '', SECRET_E: 's' });
    expect(loadEnvironment('x', dir, { C: 'from-ci', D: '', A: '' }).values).toMatchObject({ A: '1', C: 'from-ci', D: '' });
  });

  it('committed env files hold no secrets and no generated ids', () => {
    for (const env of ['dev', 'local']) {
      const v = loadEnvironment(env, join(ROOT, 'env'), {}).values;
      const text = readFileSync(join(ROOT, 'env', `.env.${env}`), 'utf8');
      const vv = parseEnvFile(text);
      expect(Object.keys(vv).filter((k) => k.startsWith('SECRET_'))).toEqual([]);
      for (const k of ['TEAMS_APP_ID', 'BOT_ID', 'AAD_APP_CLIENT_ID']) expect(vv[k], `${k} in env/.env.${env}`).toBe('');
      expect(v.TEAMSFX_ENV).toBe(env);
    }
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8')).toMatch(/^env\/\.env\.\*\.user$/m);
  });
});

describe('deployment staging (teamsapp.yml deploy)', () => {
  function fakeRoot(withSeed: boolean, withPolicies = true): string {
    const root = tmp('stage');
    mkdirSync(join(root, 'dist'));
    mkdirSync(join(root, 'config'));
    if (withPolicies) {
      mkdirSync(join(root, 'config', 'policies'));
      writeFileSync(join(root, 'config', 'policies', 'westbrook.json'), '{"id":"westbrook"}');
      writeFileSync(join(root, 'config', 'policies', 'statutory-baseline.json'), '{"id":"statutory-baseline"}');
      writeFileSync(join(root, 'config', 'policies', 'README.md'), '# notes');
    }
    writeFileSync(join(root, 'dist', 'server.js'), 'console.log("ok")\n');
    writeFileSync(join(root, 'config', 'schools.seed.json'), '{"example":true}');
    if (withSeed) writeFileSync(join(root, 'config', 'schools.seed.prod.json'), '{"school":"real"}');
    writeFileSync(join(root, 'package.json'), '{"name":"x","type":"module"}');
    writeFileSync(join(root, 'package-lock.json'), '{}');
    return root;
  }

  it('copies dist/, the environment seed as config/schools.seed.json and package files', () => {
    const root = fakeRoot(true);
    const out = stageDeploy({ env: 'prod', root, install: false });
    expect(readFileSync(join(out, 'dist', 'server.js'), 'utf8')).toContain('ok');
    expect(readFileSync(join(out, 'config', 'schools.seed.json'), 'utf8')).toBe('{"school":"real"}');
    expect(existsSync(join(out, 'package.json'))).toBe(true);
    expect(existsSync(join(out, 'src'))).toBe(false);
    // The policy profiles travel with the server (POLICIES_DIR defaults to config/policies).
    expect(readFileSync(join(out, 'config', 'policies', 'westbrook.json'), 'utf8')).toBe('{"id":"westbrook"}');
    expect(existsSync(join(out, 'config', 'policies', 'statutory-baseline.json'))).toBe(true);
    expect(existsSync(join(out, 'config', 'policies', 'README.md'))).toBe(false);
    expect(existsSync(join(out, 'config', 'schools.demo.json'))).toBe(false);
  });

  it('refuses to stage without the policy profiles, which the server cannot start without', () => {
    expect(() => stageDeploy({ env: 'prod', root: fakeRoot(true, false), install: false })).toThrow(/config\/policies\/ holds no policy profiles/);
  });

  it('stages the repository\'s own profiles, every one of them', () => {
    const root = fakeRoot(true, false);
    cpSync(join(ROOT, 'config', 'policies'), join(root, 'config', 'policies'), { recursive: true });
    const out = stageDeploy({ env: 'prod', root, install: false });
    const want = readdirSync(join(ROOT, 'config', 'policies')).filter((f) => f.endsWith('.json')).sort();
    expect(readdirSync(join(out, 'config', 'policies')).sort()).toEqual(want);
    expect(want).toContain('statutory-baseline.json');
  });

  it('never deploys the fictional example seed', () => {
    expect(() => stageDeploy({ env: 'prod', root: fakeRoot(false), install: false })).toThrow(/schools\.seed\.prod\.json/);
  });
});

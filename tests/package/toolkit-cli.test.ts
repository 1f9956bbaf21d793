import { blockedConnections } from './network-guard.js';
import { afterAll, describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAppPackage } from '../../scripts/lib-package/build-package.js';
import { ROOT } from '../../scripts/lib-package/paths.js';
import { readZip } from '../../scripts/lib-package/zip.js';
import { PROVISION_OUTPUTS_DEV } from './fixtures.js';

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('@microsoft/teamsapp-cli/package.json')), 'cli.js');
const guard = join(dirname(fileURLToPath(import.meta.url)), 'child-network-guard.mjs');

/**
 * The environment every Toolkit CLI run needs to stay off the network (besides --telemetry false):
 * the Application Insights SDK inside the CLI looks up a correlation id at start-up even with
 * telemetry off; pointing that lookup at a closed loopback port stops it leaving the machine.
 */
const TOOLKIT_QUIET_ENV = { APPINSIGHTS_PROFILE_QUERY_ENDPOINT: 'http://127.0.0.1:9' };

afterAll(() => {
  expect(blockedConnections).toEqual([]);
});

describe('Teams Toolkit CLI (offline cross-check)', () => {
  it('`teamsapp package --telemetry false` builds the same manifest as npm run package, without leaving loopback', async () => {
    const out = mkdtempSync(join(tmpdir(), 'safer-social-toolkit-'));
    const home = mkdtempSync(join(tmpdir(), 'safer-social-home-'));
    const r = spawnSync(
      process.execPath,
      ['--import', guard, cli, 'package', '--env', 'dev', '--telemetry', 'false', '-i', 'false',
        '--output-package-file', join(out, 'appPackage.dev.zip'), '--output-folder', out],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, ...TOOLKIT_QUIET_ENV, ...PROVISION_OUTPUTS_DEV, HOME: home, USERPROFILE: home, NO_COLOR: '1' },
      },
    );
    const output = `${r.stdout}\n${r.stderr}`;
    expect(output).not.toMatch(/BLOCKED/);
    expect(r.status, output).toBe(0);
    const toolkit = readZip(readFileSync(join(out, 'appPackage.dev.zip')));
    const ours = await buildAppPackage({ env: 'dev', overrides: PROVISION_OUTPUTS_DEV, outDir: mkdtempSync(join(tmpdir(), 'ours-')), processEnv: {} });
    expect(JSON.parse(toolkit.get('manifest.json')!.toString('utf8'))).toEqual(ours.manifest);
    expect([...toolkit.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
  });
});

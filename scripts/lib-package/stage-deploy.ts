/**
 * Stage what App Service runs into .deploy/ (used by the deploy lifecycle of teamsapp.yml):
 *   dist/                         the esbuild output (`npm run build`); started with `node dist/server.js`
 *   config/schools.seed.json      copied from config/schools.seed.<env>.json (your school; git-ignored)
 *   config/policies/*.json        the schools' policy profiles and the statutory baseline (POLICIES_DIR): the
 *                                 server refuses to start without them
 *   package.json, package-lock.json, .npmrc
 *   node_modules/                 production dependencies only (`npm ci --omit=dev`)
 * Usage: npx tsx scripts/lib-package/stage-deploy.ts --env dev [--seed path] [--no-install]
 * The example seed (config/schools.seed.json) is never deployed: its people and tenant are fictional.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.js';

export interface StageOptions {
  env: string;
  root?: string;
  /** Seed file for this environment; default config/schools.seed.<env>.json. */
  seed?: string;
  outDir?: string;
  /** Run `npm ci --omit=dev` in the staging folder (default true). */
  install?: boolean;
}

export function stageDeploy(opts: StageOptions): string {
  const root = opts.root ?? ROOT;
  const out = opts.outDir ?? join(root, '.deploy');
  const seed = resolve(root, opts.seed ?? join('config', `schools.seed.${opts.env}.json`));
  const problems: string[] = [];
  if (!existsSync(join(root, 'dist', 'server.js'))) problems.push('dist/server.js is missing: run `npm run build` first');
  if (!existsSync(seed)) {
    problems.push(
      `no school seed at ${relative(root, seed)}: copy config/schools.seed.json there and put in your tenant id, ` +
        'your school and at least one person with the admin role (see docs/deploy.md)',
    );
  }
  const policies = join(root, 'config', 'policies');
  const profiles = existsSync(policies) ? readdirSync(policies).filter((f) => f.endsWith('.json')) : [];
  if (profiles.length === 0) problems.push('config/policies/ holds no policy profiles: the server does not start without them');
  for (const f of ['package.json', 'package-lock.json']) if (!existsSync(join(root, f))) problems.push(`${f} is missing`);
  if (problems.length > 0) throw new Error(`Cannot stage the deployment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'config'), { recursive: true });
  cpSync(join(root, 'dist'), join(out, 'dist'), { recursive: true });
  cpSync(seed, join(out, 'config', 'schools.seed.json'));
  mkdirSync(join(out, 'config', 'policies'));
  for (const f of profiles) cpSync(join(policies, f), join(out, 'config', 'policies', f));
  for (const f of ['package.json', 'package-lock.json', '.npmrc']) {
    if (existsSync(join(root, f))) cpSync(join(root, f), join(out, f));
  }
  if (opts.install ?? true) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: out,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    if (r.status !== 0) throw new Error(`npm ci --omit=dev failed in ${out}`);
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { env: { type: 'string', short: 'e' }, seed: { type: 'string' }, 'no-install': { type: 'boolean', default: false } },
  });
  if (!values.env) {
    console.error('usage: stage-deploy.ts --env <name> [--seed <file>] [--no-install]');
    process.exit(2);
  }
  try {
    const out = stageDeploy({ env: values.env, seed: values.seed, install: !values['no-install'] });
    console.log(`Staged the deployment in ${relative(ROOT, out)}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}

import { blockedConnections } from './network-guard.js';
import { afterAll, describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { loadEnvironment } from '../../scripts/lib-package/env-file.js';
import { ROOT } from '../../scripts/lib-package/paths.js';
import { placeholdersIn } from '../../scripts/lib-package/placeholders.js';
import { outputs } from './bicep-text.js';

const require = createRequire(import.meta.url);
const cliRoot = dirname(require.resolve('@microsoft/teamsapp-cli/package.json'));
const schemaDir = join(cliRoot, 'resource', 'yaml-schema');

type Step = { uses: string; name?: string; with?: Record<string, any>; writeToEnvironmentFile?: Record<string, string> };
type Project = { version: string; environmentFolderPath?: string; provision?: Step[]; deploy?: Step[]; publish?: Step[]; projectId?: string };

const FILES = { dev: 'teamsapp.yml', local: 'teamsapp.local.yml' } as const;
const load = (f: string) => parse(readFileSync(join(ROOT, f), 'utf8')) as Project;

/** Variables the Toolkit itself provides or generates. */
const BUILT_IN = new Set(['TEAMSFX_ENV', 'APP_NAME_SUFFIX', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'RESOURCE_SUFFIX', 'TEAMS_APP_TENANT_ID']);
/** Secrets the operator puts in env/.env.<env>.user before provisioning (documented in docs/deploy.md). */
const OPERATOR_SECRETS = new Set(['SECRET_LINK_SIGNING_SECRET']);

afterAll(() => {
  expect(blockedConnections).toEqual([]);
});

describe.each(Object.entries(FILES))('%s project file (%s)', (env, file) => {
  const project = load(file);

  it('validates against the YAML schema bundled with @microsoft/teamsapp-cli', () => {
    const schemaFile = join(schemaDir, project.version, 'yaml.schema.json');
    expect(existsSync(schemaFile), `no bundled schema for ${project.version}`).toBe(true);
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    const ok = validate(project);
    // anyOf over ~30 step kinds makes raw errors noisy; report the step that fails
    const failing = (validate.errors ?? []).map((e) => e.instancePath).filter((p, i, a) => a.indexOf(p) === i);
    expect(ok, `schema errors at ${failing.join(', ')}`).toBe(true);
  });

  it('uses the newest YAML schema version the CLI bundles, and sends no telemetry project id', () => {
    const newest = JSON.parse(readFileSync(join(schemaDir, 'yaml.schema.json'), 'utf8')).properties.version.const;
    expect(project.version).toBe(newest);
    expect(project.projectId).toBeUndefined();
    expect(readFileSync(join(ROOT, file), 'utf8')).not.toMatch(/\$schema=https?:/); // editor hint points at the local schema
  });

  it('references only files that exist', () => {
    const paths: string[] = [];
    for (const step of [...(project.provision ?? []), ...(project.deploy ?? []), ...(project.publish ?? [])]) {
      const w = step.with ?? {};
      if (w.manifestPath) paths.push(w.manifestPath);
      for (const t of w.templates ?? []) paths.push(t.path, t.parameters);
      if (step.uses === 'script') paths.push(...(w.run as string).split(/\s+/).filter((p: string) => /\.(ts|js|mjs)$/.test(p)));
    }
    expect(paths.length).toBeGreaterThan(2);
    for (const p of paths) expect(existsSync(join(ROOT, p)), p).toBe(true);
  });

  it('only uses variables that exist when each step runs', () => {
    const declared = new Set(Object.keys(loadEnvironment(env, undefined, {}).values));
    const available = new Set<string>([...BUILT_IN, ...declared, ...OPERATOR_SECRETS]);
    const problems: string[] = [];
    for (const [stage, steps] of Object.entries({ provision: project.provision, deploy: project.deploy, publish: project.publish })) {
      // deploy and publish run after provision: everything provision wrote is there
      const known = stage === 'provision' ? available : new Set([...available, ...written(project.provision ?? [])]);
      for (const step of steps ?? []) {
        const used = new Set(placeholdersIn(step.with ?? {}));
        // files a step fills from the environment
        if (step.uses === 'teamsApp/zipAppPackage' || step.uses === 'teamsApp/validateManifest') {
          placeholdersIn(JSON.parse(readFileSync(join(ROOT, step.with!.manifestPath), 'utf8'))).forEach((n) => used.add(n));
        }
        if (step.uses === 'aadApp/update') {
          const aad = JSON.parse(readFileSync(join(ROOT, step.with!.manifestPath), 'utf8'));
          // aadApp/update generates the permission id itself when it is empty
          placeholdersIn(aad).filter((n) => n !== 'AAD_APP_ACCESS_AS_USER_PERMISSION_ID').forEach((n) => used.add(n));
        }
        if (step.uses === 'arm/deploy') {
          for (const t of step.with!.templates) placeholdersIn(JSON.parse(readFileSync(join(ROOT, t.parameters), 'utf8'))).forEach((n) => used.add(n));
        }
        for (const n of used) {
          if (!known.has(n)) problems.push(`${stage} ${step.uses}: \${{${n}}} is not set by then`);
        }
        for (const n of written([step])) known.add(n);
        if (step.uses === 'arm/deploy') {
          for (const t of step.with!.templates) outputs(readFileSync(join(ROOT, t.path), 'utf8')).forEach((o) => known.add(o));
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('writes every generated variable into a name declared in env/.env.' + env, () => {
    const declared = Object.keys(loadEnvironment(env, undefined, {}).values);
    const notDeclared = [...written(project.provision ?? []), ...written(project.publish ?? [])].filter(
      (n) => !n.startsWith('SECRET_') && !declared.includes(n),
    );
    expect(notDeclared).toEqual([]);
  });

  it('provisions the Teams app, the SSO Entra app and the bot, and builds, validates and updates the package', () => {
    const uses = (project.provision ?? []).map((s) => s.uses);
    for (const u of ['teamsApp/create', 'aadApp/update', 'teamsApp/validateManifest', 'teamsApp/zipAppPackage', 'teamsApp/validateAppPackage', 'teamsApp/update']) {
      expect(uses).toContain(u);
    }
    const aad = (project.provision ?? []).filter((s) => s.uses === 'aadApp/create');
    const sso = aad.find((s) => s.writeToEnvironmentFile?.clientId === 'AAD_APP_CLIENT_ID');
    const bot = aad.find((s) => s.writeToEnvironmentFile?.clientId === 'BOT_ID');
    expect(sso?.with).toMatchObject({ generateClientSecret: false, signInAudience: 'AzureADMyOrg' });
    expect(bot?.with?.generateClientSecret).toBe(true);
    expect(bot?.writeToEnvironmentFile?.clientSecret).toMatch(/^SECRET_/);
    expect(uses.indexOf('aadApp/update')).toBeGreaterThan(uses.indexOf(env === 'dev' ? 'arm/deploy' : 'botFramework/create'));
    for (const s of project.provision ?? []) {
      if (s.uses === 'teamsApp/zipAppPackage') expect(s.with?.outputZipPath).toBe('./appPackage/build/appPackage.${{TEAMSFX_ENV}}.zip');
    }
  });
});

describe('teamsapp.yml lifecycles', () => {
  const project = load(FILES.dev);

  it('provision deploys infra/azure.bicep with its parameters file', () => {
    const arm = (project.provision ?? []).find((s) => s.uses === 'arm/deploy');
    expect(arm?.with?.templates).toEqual([
      expect.objectContaining({ path: './infra/azure.bicep', parameters: './infra/azure.parameters.json' }),
    ]);
  });

  it('deploy builds, stages and zip-deploys to the App Service from the Bicep output', () => {
    const steps = project.deploy ?? [];
    expect(steps.map((s) => s.uses)).toEqual(['cli/runNpmCommand', 'cli/runNpmCommand', 'script', 'azureAppService/zipDeploy']);
    expect(steps[0].with?.args).toMatch(/^ci\b/);
    expect(steps[1].with?.args).toBe('run build');
    expect(steps[3].with).toMatchObject({ artifactFolder: './.deploy', resourceId: '${{BOT_AZURE_APP_SERVICE_RESOURCE_ID}}' });
  });

  it('publish submits the package to the Teams admin centre', () => {
    expect((project.publish ?? []).map((s) => s.uses)).toContain('teamsApp/publishAppPackage');
  });
});

describe('teamsapp.local.yml', () => {
  const project = load(FILES.local);

  it('registers the bot at the tunnel and writes the server environment for development', () => {
    const bf = (project.provision ?? []).find((s) => s.uses === 'botFramework/create');
    expect(bf?.with?.messagingEndpoint).toBe('${{TAB_ENDPOINT}}/api/messages');
    expect(bf?.with?.channels).toEqual([{ name: 'msteams' }]);
    const envFile = (project.deploy ?? []).find((s) => s.uses === 'file/createOrUpdateEnvironmentFile');
    expect(envFile?.with?.target).toBe('./.env');
    expect(envFile?.with?.envs).toMatchObject({ APP_ENV: 'development', HOST: '127.0.0.1', MicrosoftAppId: '${{BOT_ID}}' });
    // `npm run dev` starts Azurite only when ./.env names no storage
    expect(Object.keys(envFile?.with?.envs ?? {}).filter((k) => k.startsWith('STORAGE_'))).toEqual([]);
    expect(Object.keys(envFile?.with?.envs ?? {}).filter((k) => k.startsWith('DANGEROUSLY_'))).toEqual([]);
  });
});

function written(steps: Step[]): string[] {
  return steps.flatMap((s) => Object.values(s.writeToEnvironmentFile ?? {}));
}

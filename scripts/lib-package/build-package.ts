import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadEnvironment } from './env-file.js';
import { checkIcon, decodePng } from './icons.js';
import { schemaErrors, semanticProblems, type Manifest } from './manifest.js';
import { APP_PACKAGE_DIR, BUILD_DIR, ENV_DIR, ICONS, MANIFEST_PATH, ROOT } from './paths.js';
import { fillPlaceholders } from './placeholders.js';
import { createZip } from './zip.js';

/** Manifest variables that may legitimately be empty. */
export const OPTIONAL_VARIABLES: ReadonlySet<string> = new Set(['APP_NAME_SUFFIX']);

export class PackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PackageError';
  }
}

export interface BuildOptions {
  /** Toolkit environment name: reads env/.env.<env> (+ .user). */
  env: string;
  /** Values laid over the environment (tests use this for provision outputs). */
  overrides?: Record<string, string>;
  /** Process environment consulted for non-empty values (default process.env; tests pass {}). */
  processEnv?: NodeJS.ProcessEnv;
  envDir?: string;
  outDir?: string;
  manifestPath?: string;
}

export interface BuildResult {
  zipPath: string;
  manifestOutPath: string;
  manifest: Manifest;
}

/**
 * Fill appPackage/manifest.json from env/.env.<env>, validate it offline (bundled schema, then
 * semantic rules, then the icons), and write appPackage/build/appPackage.<env>.zip (manifest.json,
 * color.png, outline.png at the root) and manifest.<env>.json beside it. Every problem is reported
 * at once; nothing is written unless all checks pass.
 */
export async function buildAppPackage(opts: BuildOptions): Promise<BuildResult> {
  const { values, files } = loadEnvironment(opts.env, opts.envDir ?? ENV_DIR, opts.processEnv ?? process.env);
  const vars = { ...values, ...opts.overrides };
  const template = JSON.parse(readFileSync(opts.manifestPath ?? MANIFEST_PATH, 'utf8')) as Manifest;
  const { value: manifest, missing } = fillPlaceholders(template, vars, OPTIONAL_VARIABLES);
  const problems: string[] = [];
  if (missing.length > 0) {
    problems.push(
      `no value for ${missing.join(', ')} in ${files.map((f) => relative(ROOT, f)).join(' + ')}` +
        ` (run \`teamsapp provision --env ${opts.env} --telemetry false\` or set them in env/.env.${opts.env}.user)`,
    );
  } else {
    problems.push(...(await schemaErrors(manifest)).map((e) => `schema: ${e}`));
    problems.push(...semanticProblems(manifest));
  }
  const icons = new Map<string, Buffer>();
  for (const kind of ['color', 'outline'] as const) {
    const buf = readFileSync(join(APP_PACKAGE_DIR, template.icons?.[kind] ?? ICONS[kind].png));
    problems.push(...checkIcon(kind, decodePng(buf)));
    icons.set(`${kind}.png`, buf);
  }
  if (problems.length > 0) throw new PackageError(problems);

  const outDir = opts.outDir ?? BUILD_DIR;
  mkdirSync(outDir, { recursive: true });
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const manifestOutPath = join(outDir, `manifest.${opts.env}.json`);
  const zipPath = join(outDir, `appPackage.${opts.env}.zip`);
  writeFileSync(manifestOutPath, manifestText);
  writeFileSync(
    zipPath,
    createZip([{ name: 'manifest.json', data: Buffer.from(manifestText, 'utf8') }, ...[...icons].map(([name, data]) => ({ name, data }))]),
  );
  return { zipPath, manifestOutPath, manifest };
}

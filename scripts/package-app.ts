/**
 * Build the Teams app package for one environment, offline:
 *   npm run package                 -> appPackage/build/appPackage.dev.zip
 *   npm run package -- --env local  -> appPackage/build/appPackage.local.zip
 * Placeholders ${{NAME}} in appPackage/manifest.json are filled from env/.env.<env> and
 * env/.env.<env>.user; the result is validated against the manifest schema bundled with
 * @microsoft/app-manifest (no network) before anything is written.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAppPackage, PackageError } from './lib-package/build-package.js';
import { ROOT } from './lib-package/paths.js';

const { values } = parseArgs({ options: { env: { type: 'string', short: 'e', default: 'dev' } } });
try {
  const { zipPath, manifestOutPath, manifest } = await buildAppPackage({ env: values.env! });
  const examples = Object.entries(manifest.developer as Record<string, string>).filter(([, v]) => /\.example(\/|$)/.test(v));
  if (examples.length > 0) {
    console.warn(`warning: developer ${examples.map(([k]) => k).join(', ')} still point at the example domain; set them in env/.env.${values.env}`);
  }
  console.log(`Teams app package: ${relative(ROOT, zipPath)} (manifest: ${relative(ROOT, manifestOutPath)})`);
} catch (e) {
  console.error(e instanceof PackageError || e instanceof Error ? e.message : e);
  process.exitCode = 1;
}

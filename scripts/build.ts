import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildServer } from './build-options.js';

/** `npm run build`: everything `npm start` and the deployment need, in dist/. */
async function main(): Promise<void> {
  const started = Date.now();
  await buildServer();
  console.log(`built dist/server.js in ${Date.now() - started} ms`);

  // ── Tab bundle ──────────────────────────────────────────────────────────────────────────────────────
  // The Cases tab (web/tab/) has its own build in scripts/build-tab.ts, exporting `buildTab()`. It is
  // called here once it exists; until then the server build is the whole build.
  const tabBuild = new URL('./build-tab.ts', import.meta.url);
  if (existsSync(fileURLToPath(tabBuild))) {
    const tabStarted = Date.now();
    const { buildTab } = (await import(tabBuild.href)) as { buildTab: () => Promise<void> };
    await buildTab();
    console.log(`built the tab in ${Date.now() - tabStarted} ms`);
  }
  // ────────────────────────────────────────────────────────────────────────────────────────────────────
}

main().catch((e: Error) => {
  console.error(`build failed: ${e.message}`);
  process.exit(1);
});

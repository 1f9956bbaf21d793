import { build, type BuildOptions } from 'esbuild';

/**
 * The one definition of how the server is bundled. `npm run build` and the test setup both use it, so the
 * bundle the tests run is the bundle that ships.
 */
export const SERVER_BUILD_OPTIONS = Object.freeze({
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Dependencies stay in node_modules: the deployment runs `npm ci --omit=dev` beside dist/.
  packages: 'external',
  outfile: 'dist/server.js',
  sourcemap: true,
  logLevel: 'warning',
} satisfies BuildOptions);

/** Bundle src/index.ts into dist/server.js (paths are relative to the repository root, the working directory). */
export async function buildServer(overrides: BuildOptions = {}): Promise<void> {
  await build({ ...SERVER_BUILD_OPTIONS, ...overrides });
}

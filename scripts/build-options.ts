import { build, type BuildOptions } from 'esbuild';

/**
 * How the server process is run, everywhere it runs: `npm start`, the App Service start command
 * (infra/azure.bicep), the tests' server process and the benchmark. tests/package/infra.test.ts checks
 * that they agree.
 *
 * The heap budget: live data at the peak of the surge benchmark is about 60 MB, but with the default limit
 * (a share of the machine's memory) V8 lets garbage grow the heap to about three times the live size
 * before a full collection; botbuilder's deep async call chains make much short-lived garbage. With a
 * 384 MB old-space limit V8 collects sooner: peak RSS in the surge fell from about 285 MB to about 210 MB
 * with no turn slower, and the limit is still six times the live data. (A B1 App Service plan has 1.75 GB.)
 */
export const SERVER_NODE_FLAGS: readonly string[] = Object.freeze(['--max-old-space-size=384']);
export const SERVER_COMMAND = `node ${SERVER_NODE_FLAGS.join(' ')} dist/server.js`;

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

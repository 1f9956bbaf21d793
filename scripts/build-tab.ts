import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'web/tab');
const out = path.join(root, 'dist/tab');
const STATIC_FILES = ['index.html', 'config.html', 'app.css'];

/** Bundle the Cases tab (web/tab) into dist/tab: app.js, config.js and the static pages. No inline scripts. */
export async function buildTab(): Promise<void> {
  // Files are overwritten in place, not deleted first: a server (or a parallel test run) reading dist/tab
  // never finds it missing. Only a fixed list of names is ever served from it.
  mkdirSync(out, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: path.join(src, 'main.tsx'), config: path.join(src, 'config.ts') },
    bundle: true,
    minify: true,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'browser',
    target: ['chrome110', 'edge110', 'safari16', 'firefox115'],
    jsx: 'automatic',
    outdir: out,
    metafile: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  for (const f of STATIC_FILES) copyFileSync(path.join(src, f), path.join(out, f));
  for (const [file, o] of Object.entries(result.metafile.outputs)) {
    process.stdout.write(`tab bundle ${path.relative(root, file)}: ${(o.bytes / 1024).toFixed(1)} KiB\n`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildTab().catch((e: Error) => {
    process.stderr.write(`tab build failed: ${e.message}\n`);
    process.exit(1);
  });
}

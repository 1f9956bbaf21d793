/**
 * Regenerate the Teams icons from their vector sources:
 *   appPackage/icons/icon.svg    -> appPackage/color.png   (192x192, full colour)
 *   appPackage/icons/outline.svg -> appPackage/outline.png (32x32, white on transparent)
 * Usage: npm run icons            (writes the PNGs)
 *        npm run icons -- --check (exit 1 if the committed PNGs are out of date)
 * Runs offline; renders with @resvg/resvg-js, encodes with pngjs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ICONS, ROOT, type IconKind } from './lib-package/paths.js';
import { checkIcon, decodePng, encodePng, renderIcon } from './lib-package/icons.js';

const check = process.argv.includes('--check');
let failed = false;
for (const kind of Object.keys(ICONS) as IconKind[]) {
  const img = renderIcon(kind);
  const problems = checkIcon(kind, img);
  const target = relative(ROOT, ICONS[kind].png);
  if (problems.length > 0) {
    console.error(`${target}: ${problems.join('; ')}`);
    failed = true;
    continue;
  }
  if (check) {
    const current = existsSync(ICONS[kind].png) ? decodePng(readFileSync(ICONS[kind].png)) : undefined;
    const same = current && current.width === img.width && current.height === img.height && current.data.equals(img.data);
    console.log(`${target}: ${same ? 'up to date' : 'OUT OF DATE (run npm run icons)'}`);
    if (!same) failed = true;
  } else {
    writeFileSync(ICONS[kind].png, encodePng(img));
    console.log(`${target}: written (${img.width}x${img.height})`);
  }
}
process.exit(failed ? 1 : 0);

import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Repository root (scripts/lib-package/../..). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APP_PACKAGE_DIR = join(ROOT, 'appPackage');
export const MANIFEST_PATH = join(APP_PACKAGE_DIR, 'manifest.json');
export const BUILD_DIR = join(APP_PACKAGE_DIR, 'build');
export const ENV_DIR = join(ROOT, 'env');
export const INFRA_DIR = join(ROOT, 'infra');

/** The two Teams icons: vector source, committed PNG, pixel size. */
export const ICONS = {
  color: { svg: join(APP_PACKAGE_DIR, 'icons', 'icon.svg'), png: join(APP_PACKAGE_DIR, 'color.png'), size: 192 },
  outline: { svg: join(APP_PACKAGE_DIR, 'icons', 'outline.svg'), png: join(APP_PACKAGE_DIR, 'outline.png'), size: 32 },
} as const;
export type IconKind = keyof typeof ICONS;

import { blockedConnections } from './network-guard.js';
import { afterAll, describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkIcon, decodePng, renderIcon, type RgbaImage } from '../../scripts/lib-package/icons.js';
import { ICONS, type IconKind } from '../../scripts/lib-package/paths.js';

const kinds = Object.keys(ICONS) as IconKind[];

afterAll(() => {
  expect(blockedConnections).toEqual([]);
});

describe.each(kinds)('%s icon', (kind) => {
  const committed = decodePng(readFileSync(ICONS[kind].png));

  it(`is ${ICONS[kind].size}x${ICONS[kind].size} and meets Teams' transparency rules`, () => {
    expect([committed.width, committed.height]).toEqual([ICONS[kind].size, ICONS[kind].size]);
    expect(checkIcon(kind, committed)).toEqual([]);
  });

  it('is up to date with its SVG source (run `npm run icons` after editing the SVG)', () => {
    const fresh = renderIcon(kind);
    expect(fresh.width).toBe(committed.width);
    expect(fresh.data.equals(committed.data)).toBe(true);
  });

  it('has a self-contained vector source (no text, no external references)', () => {
    const svg = readFileSync(ICONS[kind].svg, 'utf8');
    expect(svg).toMatch(/<svg[^>]*viewBox="0 0 \d+ \d+"/);
    expect(svg).not.toMatch(/<text|<image|href=|url\(http/i);
  });
});

describe('icon checks', () => {
  const solid = (size: number, rgba: number[]): RgbaImage => {
    const data = Buffer.alloc(size * size * 4);
    for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
    return { width: size, height: size, data };
  };

  it('reject a coloured, opaque or wrongly sized outline icon', () => {
    const coloured = renderIcon('outline');
    const i = coloured.data.findIndex((_, j) => j % 4 === 3 && coloured.data[j] === 255) - 3;
    coloured.data[i] = 0; // a visible pixel that is not white
    expect(checkIcon('outline', coloured).join()).toMatch(/not white/);
    expect(checkIcon('outline', solid(32, [255, 255, 255, 255])).join()).toMatch(/transparent/);
    expect(checkIcon('outline', solid(48, [0, 0, 0, 0])).join()).toMatch(/48x48/);
  });

  it('reject a colour icon with transparent pixels or the wrong size', () => {
    expect(checkIcon('color', solid(192, [15, 92, 110, 128])).join()).toMatch(/not fully opaque/);
    expect(checkIcon('color', solid(96, [15, 92, 110, 255])).join()).toMatch(/96x96/);
  });
});

import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { ICONS, type IconKind } from './paths.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, straight (not premultiplied) alpha. */
  data: Buffer;
}

/**
 * Render an icon's SVG source to RGBA pixels at the Teams size.
 * The outline icon is normalised to pure white: every visible pixel gets RGB 255,255,255 and keeps
 * its alpha (anti-aliasing survives as alpha); fully transparent pixels get RGB 0. Teams rejects
 * outline icons with any colour other than white.
 */
export function renderIcon(kind: IconKind, svgText = readFileSync(ICONS[kind].svg, 'utf8')): RgbaImage {
  const { size } = ICONS[kind];
  const resvg = new Resvg(svgText, {
    fitTo: { mode: 'width', value: size },
    font: { loadSystemFonts: false }, // the sources contain no text; keeps rendering machine-independent
    shapeRendering: 2, // geometricPrecision (anti-aliased)
  });
  const rendered = resvg.render();
  if (rendered.width !== size || rendered.height !== size) {
    throw new Error(`${kind}: SVG rendered at ${rendered.width}x${rendered.height}, expected ${size}x${size} (check its viewBox)`);
  }
  const data = Buffer.from(rendered.pixels);
  if (kind === 'outline') {
    for (let i = 0; i < data.length; i += 4) {
      const visible = data[i + 3] > 0;
      data[i] = data[i + 1] = data[i + 2] = visible ? 255 : 0;
    }
  }
  return { width: rendered.width, height: rendered.height, data };
}

/** Encode RGBA pixels as PNG (pngjs: deterministic output for the same pixels). */
export function encodePng(img: RgbaImage): Buffer {
  const png = new PNG({ width: img.width, height: img.height, colorType: 6, inputColorType: 6, bitDepth: 8 });
  img.data.copy(png.data);
  return PNG.sync.write(png, { colorType: 6, inputColorType: 6, bitDepth: 8, deflateLevel: 9 });
}

export function decodePng(buf: Buffer): RgbaImage {
  const png = PNG.sync.read(buf);
  return { width: png.width, height: png.height, data: png.data };
}

/**
 * Teams' rules for the icons, as a list of problems (empty when fine).
 * color: 192x192, fully opaque (a full-bleed background; Teams masks the corners itself).
 * outline: 32x32, every pixel either fully transparent or white, transparent background, not empty.
 */
export function checkIcon(kind: IconKind, img: RgbaImage): string[] {
  const problems: string[] = [];
  const { size } = ICONS[kind];
  if (img.width !== size || img.height !== size) problems.push(`${kind}: ${img.width}x${img.height}, must be ${size}x${size}`);
  let opaque = 0;
  let transparent = 0;
  let nonWhite = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    const a = img.data[i + 3];
    if (a === 255) opaque++;
    if (a === 0) transparent++;
    else if (img.data[i] !== 255 || img.data[i + 1] !== 255 || img.data[i + 2] !== 255) nonWhite++;
  }
  const total = img.width * img.height;
  if (kind === 'color') {
    if (opaque !== total) problems.push(`color: ${total - opaque} pixels are not fully opaque; use a full-bleed background`);
  } else {
    if (nonWhite > 0) problems.push(`outline: ${nonWhite} visible pixels are not white`);
    const corners = [0, img.width - 1, (img.height - 1) * img.width, img.height * img.width - 1];
    if (corners.some((p) => img.data[p * 4 + 3] !== 0)) problems.push('outline: background (corners) must be transparent');
    if (transparent === total) problems.push('outline: image is empty');
    if (transparent < total / 4) problems.push('outline: mostly opaque; it must be a white outline on transparent');
  }
  return problems;
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every TypeScript file under a folder, with the modules it imports (static and dynamic). */
function importsUnder(dir: string): Array<{ file: string; specifiers: string[] }> {
  const out: Array<{ file: string; specifiers: string[] }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([^']+)'/g)].map((m) => m[1]);
    out.push({ file, specifiers });
  }
  return out;
}

describe('architecture', () => {
  it('keeps the archived Bot Framework SDK out of the domain', () => {
    const files = importsUnder('src/domain');
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) => f.specifiers.some((s) => /^(botbuilder|botframework)/.test(s))).map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it('imports the dialog classes from their modules, never the botbuilder-dialogs index (45 MB of unused recognizers)', () => {
    const files = importsUnder('src');
    const offenders = files.filter((f) => f.specifiers.includes('botbuilder-dialogs')).map((f) => f.file);
    expect(offenders).toEqual([]);
    // The one place that names the SDK's dialog modules.
    const deep = files.filter((f) => f.specifiers.some((s) => s.startsWith('botbuilder-dialogs/'))).map((f) => f.file);
    expect(deep).toEqual(['src/teams/dialog-sdk.ts']);
  });
});

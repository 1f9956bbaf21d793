import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every TypeScript file under a folder, with the modules it imports (static, dynamic and re-exports). */
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

/** The project files a file imports by relative path (`./x.js` → `src/…/x.ts`), type-only imports included. */
function localImports(file: string, specifiers: string[]): string[] {
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => {
      const ts = relative('.', resolve(dirname(file), s)).replace(/\.js$/, '.ts');
      return existsSync(ts) ? ts : ts.replace(/\.ts$/, '.tsx');
    });
}

/** Files under `dir` that import anything under one of `folders` (relative imports, resolved). */
function importersOf(dir: string, folders: string[]): string[] {
  return importsUnder(dir)
    .filter((f) => localImports(f.file, f.specifiers).some((p) => folders.some((folder) => p.startsWith(folder + '/'))))
    .map((f) => f.file);
}

/** Every import cycle in a graph of files, each as the path that closes it (a → b → a). */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (node: string) => {
    path.push(node);
    onPath.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onPath.has(next)) cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!done.has(next) && graph.has(next)) visit(next);
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) if (!done.has(node)) visit(node);
  return cycles;
}

describe('architecture', () => {
  it('keeps the archived Bot Framework SDK out of the domain', () => {
    const files = importsUnder('src/domain');
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) => f.specifiers.some((s) => /^(botbuilder|botframework)/.test(s))).map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it('keeps the domain on the ground floor: it declares ports and imports no storage, edge or tab code', () => {
    expect(importersOf('src/domain', ['src/storage', 'src/teams', 'src/tab-api', 'src/evidence'])).toEqual([]);
  });

  it('keeps the configuration free of the domain, storage and edges (they import it, never the reverse)', () => {
    const [config] = importsUnder('src').filter((f) => f.file === 'src/config.ts');
    expect(localImports(config.file, config.specifiers).filter((p) => /^src\/(domain|storage|teams|tab-api|evidence)\//.test(p))).toEqual([]);
  });

  it('keeps the tab API off the Teams edge', () => {
    expect(importersOf('src/tab-api', ['src/teams'])).toEqual([]);
  });

  it('has no import cycles under src (type-only imports count)', () => {
    const graph = new Map(importsUnder('src').map((f) => [f.file, localImports(f.file, f.specifiers)]));
    expect(graph.size).toBeGreaterThan(50);
    expect(findCycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('finds a cycle however long, and only cycles', () => {
    const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(findCycles(g({ a: ['b'], b: ['c'], c: ['a'] }))).toEqual([['a', 'b', 'c', 'a']]);
    expect(findCycles(g({ a: ['a'] }))).toEqual([['a', 'a']]);
    // A diamond shares a module without a cycle.
    expect(findCycles(g({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }))).toEqual([]);
  });

  it('fences the archived Bot Framework SDK at the Teams edge: src/teams, and the few named files that wire it in', () => {
    // A move to its successor (Microsoft 365 Agents SDK / Teams SDK) rewrites these and nothing else.
    const WIRING = ['src/app.ts', 'src/server.ts', 'src/evidence/teams-attachments.ts'];
    const users = importsUnder('src')
      .filter((f) => f.specifiers.some((s) => /^(botbuilder|botframework)/.test(s)))
      .map((f) => f.file);
    expect(users.filter((f) => !f.startsWith('src/teams/') && !WIRING.includes(f))).toEqual([]);
    expect(users.filter((f) => f.startsWith('src/teams/')).length).toBeGreaterThan(5);
  });

  it('imports the dialog classes from their modules, never the botbuilder-dialogs index (45 MB of unused recognizers)', () => {
    const files = importsUnder('src');
    const offenders = files.filter((f) => f.specifiers.includes('botbuilder-dialogs')).map((f) => f.file);
    expect(offenders).toEqual([]);
    // The one place that names the SDK's dialog modules.
    const deep = files.filter((f) => f.specifiers.some((s) => s.startsWith('botbuilder-dialogs/'))).map((f) => f.file);
    expect(deep).toEqual(['src/teams/dialog-sdk.ts']);
  });

  it('lets the Cases tab take from the server only types (import type) and the self-contained time module', () => {
    const runtime: string[] = [];
    let typeOnly = 0;
    for (const entry of readdirSync('web/tab', { withFileTypes: true, recursive: true })) {
      if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
      const file = join(entry.parentPath, entry.name);
      for (const m of readFileSync(file, 'utf8').matchAll(/^(import|export)(\s+type)?\b[^;]*?from\s+'([^']+)'/gms)) {
        if (!m[3].includes('/src/')) continue;
        if (m[2]) typeOnly++;
        else if (!m[3].endsWith('/src/domain/time.js')) runtime.push(`${file}: ${m[3]}`);
      }
    }
    expect(runtime).toEqual([]);
    // The tab's answer types come from the server's DTO module (web/tab/types.ts).
    expect(typeOnly).toBeGreaterThan(0);
    expect(readFileSync('web/tab/types.ts', 'utf8')).toContain("from '../../src/tab-api/dto.js'");
  });

  it('keeps the DTO module free of values, so importing it never brings server code into the tab', () => {
    const dto = readFileSync('src/tab-api/dto.ts', 'utf8');
    expect(dto).not.toMatch(/^import\s+(?!type\b)/m);
    expect(dto).not.toMatch(/^export\s+(const|let|var|function|class|enum)\b/m);
  });
});

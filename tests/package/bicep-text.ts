/**
 * Just enough reading of infra/azure.bicep, as text, for the cross-checks in infra.test.ts.
 * No Bicep compiler can run on the build machines; this is not a parser, it relies on the file's
 * layout (one declaration per line, `name: value` lines in object bodies).
 */
export interface BicepParam {
  name: string;
  type: string;
  hasDefault: boolean;
  secure: boolean;
  decorators: string[];
}

export function stripComments(text: string): string {
  // remove // comments (not inside '...' strings) and /* */ blocks
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => {
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        if (line[i] === "'" && line[i - 1] !== '\\') inString = !inString;
        if (!inString && line[i] === '/' && line[i + 1] === '/') return line.slice(0, i);
      }
      return line;
    })
    .join('\n');
}

export function params(text: string): BicepParam[] {
  const lines = stripComments(text).split('\n');
  const out: BicepParam[] = [];
  let decorators: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('@')) {
      decorators.push(line);
      continue;
    }
    const m = /^param\s+(\w+)\s+(\w+)(\s*=.*)?$/.exec(line);
    if (m) {
      out.push({ name: m[1], type: m[2], hasDefault: Boolean(m[3]), secure: decorators.some((d) => d.startsWith('@secure')), decorators });
    }
    if (line !== '' && !line.startsWith('@')) decorators = [];
  }
  return out;
}

export function outputs(text: string): string[] {
  return [...stripComments(text).matchAll(/^output\s+(\w+)\s+\w+\s*=/gm)].map((m) => m[1]);
}

export function declaredSymbols(text: string): { kind: string; name: string }[] {
  return [...stripComments(text).matchAll(/^(param|var|resource|module|output)\s+(\w+)/gm)].map((m) => ({ kind: m[1], name: m[2] }));
}

export function resources(text: string): { name: string; type: string; apiVersion: string }[] {
  return [...stripComments(text).matchAll(/^resource\s+(\w+)\s+'([\w./]+)@([\w-]+)'/gm)].map((m) => ({ name: m[1], type: m[2], apiVersion: m[3] }));
}

/** The `{ ... }` body starting at the first `{` at or after `from`. */
export function bodyAt(text: string, from: number): string {
  const start = text.indexOf('{', from);
  if (start < 0) throw new Error('no { found');
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start + 1, i);
  }
  throw new Error('unbalanced braces');
}

/** Body of the resource declared as `resource <symbol> ...`. */
export function resourceBody(text: string, symbol: string): string {
  const clean = stripComments(text);
  const m = new RegExp(`^resource\\s+${symbol}\\s`, 'm').exec(clean);
  if (!m) throw new Error(`no resource ${symbol}`);
  return bodyAt(clean, m.index);
}

/** Top-level `key: value` pairs of an object body (nested objects are returned as '{...}'). */
export function topLevelEntries(body: string): Map<string, string> {
  const entries = new Map<string, string>();
  let depth = 0;
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (depth === 0) {
      const m = /^(\w+)\s*:\s*(.*)$/.exec(line);
      if (m) entries.set(m[1], m[2].endsWith('{') || m[2].endsWith('[') ? '{...}' : m[2]);
    }
    for (const ch of line.replace(/'[^']*'/g, '')) {
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') depth--;
    }
  }
  return entries;
}

/** The value of a Bicep string literal without interpolation, or undefined for an expression. */
export function literal(value: string): string | undefined {
  const m = /^'((?:[^'\\$]|\\.|\$(?!\{))*)'$/.exec(value.trim());
  return m ? m[1] : undefined;
}

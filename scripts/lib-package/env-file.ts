import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_DIR } from './paths.js';

/**
 * Parse a dotenv file the way the Teams Toolkit reads env/.env.<env>:
 * `KEY=value`, optional `export `, `#` comments (whole line, or after whitespace in an unquoted value),
 * single- or double-quoted values (double quotes understand \n, \r, \t, \" and \\).
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, rest] = m;
    let value: string;
    if (rest.startsWith('"')) {
      const end = findClosingQuote(rest, '"');
      value = rest.slice(1, end).replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' })[c] ?? c);
    } else if (rest.startsWith("'")) {
      value = rest.slice(1, findClosingQuote(rest, "'"));
    } else {
      value = rest.replace(/\s+#.*$/, '').trim();
    }
    out[key] = value;
  }
  return out;
}

function findClosingQuote(s: string, q: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\' && q === '"') { i++; continue; }
    if (s[i] === q) return i;
  }
  throw new Error(`unterminated ${q} quote in: ${s}`);
}

export interface LoadedEnv {
  values: Record<string, string>;
  files: string[];
}

/**
 * The variables of one Toolkit environment, merged the way the Toolkit merges them when it
 * provisions (read from @microsoft/teamsapp-cli 3.1.1, envUtil.readEnv/mergeEnv): a value is taken
 * from the first of these that has a non-empty one:
 *   1. the process environment (CI can pass values without writing files)
 *   2. env/.env.<name> (committed)
 *   3. env/.env.<name>.user (secrets and per-developer values, git-ignored)
 * Pass `processEnv: {}` to read the files only (tests do).
 */
export function loadEnvironment(name: string, envDir = ENV_DIR, processEnv: NodeJS.ProcessEnv = process.env): LoadedEnv {
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(name)) throw new Error(`invalid environment name: ${name}`);
  const base = join(envDir, `.env.${name}`);
  if (!existsSync(base)) throw new Error(`no environment file ${base} (create it, e.g. by copying env/.env.dev)`);
  const files = [base];
  const values = parseEnvFile(readFileSync(base, 'utf8'));
  const user = `${base}.user`;
  if (existsSync(user)) {
    files.push(user);
    fillEmpty(values, parseEnvFile(readFileSync(user, 'utf8')));
  }
  for (const key of Object.keys(values)) {
    const v = processEnv[key];
    if (v) values[key] = v;
  }
  return { values, files };
}

/** Toolkit's mergeEnv: keys of `lower` fill keys of `higher` that are missing or empty. */
function fillEmpty(higher: Record<string, string>, lower: Record<string, string>): void {
  for (const [k, v] of Object.entries(lower)) if (!higher[k]) higher[k] = v;
}

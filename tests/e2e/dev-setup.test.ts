import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { absoluteNodeOptions, findPerson, playgroundConfigYaml, readSeed } from '../../scripts/lib/playground.js';

/** The variable names src/config.ts validates (the keys of its zod object), read from the source. */
function configVariables(): string[] {
  const src = readFileSync('src/config.ts', 'utf8');
  const body = src.slice(src.indexOf('const raw = z.object({'), src.indexOf('\n});', src.indexOf('const raw = z.object({')));
  return [...body.matchAll(/^\s+([A-Za-z_][A-Za-z0-9_]*):\s*(?:z\.|bool)/gm)].map((m) => m[1]!);
}

describe('the developer setup stays true to the code', () => {
  it('finds the configuration variables (guards the check below)', () => {
    expect(configVariables()).toEqual(expect.arrayContaining(['APP_ENV', 'STORAGE_CONNECTION_STRING', 'DANGEROUSLY_ENABLE_DEV_SIGN_IN']));
  });

  it('.env.example and the README describe every variable src/config.ts reads', () => {
    const example = readFileSync('.env.example', 'utf8');
    const readme = readFileSync('README.md', 'utf8');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]));
    for (const name of configVariables()) {
      expect(listed, `.env.example lacks ${name}`).toContain(name);
      expect(readme, `README's configuration table lacks ${name}`).toContain(`| \`${name}\` |`);
    }
    // Copying the example to .env must change nothing: every setting in it is commented out.
    expect(example).not.toMatch(/^[A-Za-z_][A-Za-z0-9_]*=/m);
  });

  it('signs the chat client in as people of the seed, with the tenant of the seed', () => {
    const seed = readSeed();
    const dsl = findPerson(seed.people, 'dsl')!;
    const config = parse(playgroundConfigYaml(seed, dsl));
    expect(config.tenantId).toBe(seed.tenantId);
    expect(config.currentUser).toMatchObject({ aadObjectId: dsl.aadObjectId, name: dsl.name, id: `29:${dsl.aadObjectId}` });
    // The playground accepts exactly five other users (its schema), and refuses duplicates.
    expect(config.users).toHaveLength(5);
    const everyone = [config.currentUser, ...config.users].map((u: { aadObjectId: string }) => u.aadObjectId);
    expect(new Set(everyone).size).toBe(6);
    expect(everyone.sort()).toEqual(seed.people.map((p) => p.aadObjectId).sort());
    expect(config.personalChat.id).toBe(`a:playground-${dsl.aadObjectId}`);
  });

  it('finds people by first name, role or object id; a role picks the least senior holder', () => {
    const { people } = readSeed();
    const name = (who: string) => findPerson(people, who)?.name;
    expect(name('staff')).toBe('Sam Taylor');
    expect(name('DSL')).toBe('Dev Patel');
    expect(name('headteacher')).toBe('Helen Carter');
    expect(name('chair')).toBe('George Wilson');
    expect(name('deputyDsl')).toBe('Rachel Moore');
    expect(name('priya')).toBe('Priya Shah');
    expect(name('00000000-0000-4000-8000-000000000005')).toBe('George Wilson');
    expect(name('nobody')).toBeUndefined();
  });

  it('passes preloads to the playground by absolute location (it runs in another directory)', () => {
    const out = absoluteNodeOptions('--import ./tests/support/net-guard.mjs --max-old-space-size=512 --require=./x.cjs');
    expect(out).toMatch(/^--import file:\/\/\/.+\/tests\/support\/net-guard\.mjs --max-old-space-size=512 --require=\/.+\/x\.cjs$/);
  });
});

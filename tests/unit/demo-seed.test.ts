import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { validateSeed, type DirectorySeed } from '../../src/domain/directory/directory.js';
import { PROFILE_FILES } from '../../src/domain/policy/load.js';
import { findPerson, othersAcrossSchools, playgroundConfigYaml, readSeed } from '../../scripts/lib/playground.js';

const DEMO = 'config/schools.demo.json';
const demo = JSON.parse(readFileSync(DEMO, 'utf8')) as DirectorySeed;

describe('the demo trust for npm run dev (config/schools.demo.json)', () => {
  it('is a valid seed: one tenant, the five schools whose policies the app holds, each with a profile', () => {
    expect(validateSeed(demo)).toEqual([]);
    expect(demo.schools.map((s) => s.id)).toEqual(PROFILE_FILES.map((f) => f.schoolId));
    for (const s of demo.schools) {
      expect(s.tenantId, s.id).toBeUndefined();
      expect(existsSync(`config/policies/${s.id}.json`), s.id).toBe(true);
    }
  });

  it('gives every school the six roles of the test seed, with distinct people and first names', () => {
    const roles = (s: DirectorySeed['schools'][number]) => s.members.map((m) => m.roles.join(','));
    const westbrook = JSON.parse(readFileSync('config/schools.seed.json', 'utf8')) as DirectorySeed;
    for (const s of demo.schools) expect(roles(s), s.id).toEqual(roles(westbrook.schools[0]!));
    const people = demo.schools.flatMap((s) => s.members);
    expect(new Set(people.map((m) => m.aadObjectId)).size).toBe(30);
    expect(new Set(people.map((m) => m.name.split(' ')[0]!.toLowerCase())).size).toBe(30);
  });

  it('lets --as pick a person of any school, and lists people of several schools beside them in the chat client', () => {
    const seed = readSeed(DEMO);
    expect(findPerson(seed.people, 'dsl')!.schoolName).toBe('Westbrook Primary School');
    expect(findPerson(seed.people, 'dsl@wootton')).toMatchObject({ name: 'Nadia Rahman', schoolName: 'Wootton Academy' });
    expect(findPerson(seed.people, 'chair@moor-nook')!.schoolName).toBe('Moor Nook Community Primary School');
    expect(findPerson(seed.people, 'victor')!.schoolName).toBe('Beechwood Primary School');
    const me = findPerson(seed.people, 'dsl@beechwood')!;
    const others = othersAcrossSchools(seed.people, me);
    expect(others).toHaveLength(5);
    expect(others[0]!.schoolName).toBe('Beechwood Primary School');
    expect(new Set(others.map((p) => p.schoolName)).size).toBe(5);
    const config = parse(playgroundConfigYaml(seed, me)) as { currentUser: { aadObjectId: string }; users: Array<{ aadObjectId: string }> };
    expect(config.currentUser.aadObjectId).toBe(me.aadObjectId);
    expect(config.users.map((u) => u.aadObjectId)).toEqual(others.map((p) => p.aadObjectId));
  });

  it('keeps a one-school seed as before: the first five others, in file order', () => {
    const seed = readSeed();
    const sam = findPerson(seed.people, 'sam')!;
    expect(othersAcrossSchools(seed.people, sam).map((p) => p.name)).toEqual(seed.people.slice(1).map((p) => p.name));
  });
});

import { describe, expect, it } from 'vitest';
import { roleGaps, type Role } from '../../../src/domain/directory/directory.js';

const people = (...roles: Role[][]) => roles.map((r) => ({ roles: r }));

describe('roles a school has nobody in', () => {
  it('none when there is a DSL (or deputy), a headteacher and a chair who is not the head', () => {
    expect(roleGaps(people(['staff', 'headteacher'], ['dsl'], ['chair']))).toEqual([]);
    expect(roleGaps(people(['headteacher'], ['deputyDsl'], ['chair']))).toEqual([]);
  });

  it.each([
    [people(['headteacher'], ['chair']), /designated safeguarding lead/],
    [people(['dsl'], ['chair']), /headteacher: family relationship declarations/],
    [people(['dsl'], ['headteacher']), /chair of governors/],
    // A head who is also marked chair does not count as the chair (concerns about the head must not go to them).
    [people(['dsl'], ['headteacher', 'chair']), /chair of governors/],
  ])('%#: names the missing role and what it breaks', (members, gap) => {
    const gaps = roleGaps(members);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatch(gap);
  });

  it('all three for an empty school', () => {
    expect(roleGaps([])).toHaveLength(3);
  });
});

import { describe, expect, it } from 'vitest';
import { headTitleOf, personRef, type Member } from '../../../src/domain/directory/directory.js';

describe('small directory helpers', () => {
  it('names a member in a record by id and name only: no roles, email or job title', () => {
    const m: Member = { schoolId: 's', aadObjectId: 'a1', name: 'Sam Taylor', email: 'sam@example.org', jobTitle: 'Teacher', roles: ['staff', 'admin'] };
    expect(personRef(m)).toEqual({ aadObjectId: 'a1', name: 'Sam Taylor' });
  });

  it("uses the school's own word for its head, and the caller's fallback when the school is not known", () => {
    expect(headTitleOf({ headTitle: 'Principal' })).toBe('Principal');
    expect(headTitleOf({ headTitle: 'Principal' }, 'headteacher')).toBe('Principal');
    expect(headTitleOf(undefined)).toBe('Headteacher');
    expect(headTitleOf(undefined, 'headteacher')).toBe('headteacher');
  });
});

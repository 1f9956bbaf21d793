import type { Request } from 'restify';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/tab-api/context.js';
import { aadParam, bodyOf, caseIdOf, optionalText, text } from '../../../src/tab-api/input.js';
import { BadRequestError } from '../../../src/tab-api/errors.js';

const req = (params: Record<string, string>, body?: unknown) => ({ params, body }) as unknown as Request;
const AAD = '00000000-0000-4000-8000-000000000001';

describe('tab API input', () => {
  it('takes a case id only in the shape the repository makes; anything else is "no such case"', () => {
    expect(caseIdOf(req({ id: '0123456789abcdef' }))).toBe('0123456789abcdef');
    for (const id of ['', '0123456789ABCDEF', '0123456789abcde', '0123456789abcdef0', '../0123456789abc', "0123456789abcd'"]) {
      expect(() => caseIdOf(req({ id }))).toThrow(NotFoundError);
    }
    expect(() => caseIdOf(req({}))).toThrow('No such case.');
  });

  it('takes an Entra object id from the route, or answers 400 with the route\'s own message', () => {
    expect(aadParam(req({ aad: AAD }), 'aad', 'member id: not valid')).toBe(AAD);
    expect(() => aadParam(req({ aad: 'not-a-guid' }), 'aad', 'member id: not valid')).toThrow(new BadRequestError('member id: not valid'));
    expect(() => aadParam(req({}), 'aad', 'request id: not valid')).toThrow('request id: not valid');
  });

  it.each([[null], [[]], ['text'], [undefined]])('refuses a body that is not a JSON object: %o', (body) => {
    expect(() => bodyOf(req({}, body))).toThrow(new BadRequestError('Expected a JSON object.'));
  });

  it('reads text fields: required, must be text, at most 4,000 characters; optional text is trimmed', () => {
    const b = { note: '  hello  ', empty: '', blank: '   ', n: 3, long: 'x'.repeat(4001), max: 'x'.repeat(4000) };
    expect(text(b, 'note', true)).toBe('  hello  ');
    expect(text(b, 'max', true)).toHaveLength(4000);
    expect(text(b, 'missing', false)).toBeUndefined();
    expect(() => text(b, 'missing', true)).toThrow('missing: required');
    expect(() => text(b, 'empty', true)).toThrow('empty: required');
    expect(() => text(b, 'n', false)).toThrow('n: must be text');
    expect(() => text(b, 'long', false)).toThrow('long: at most 4,000 characters');
    expect(optionalText(b, 'note')).toBe('hello');
    expect(optionalText(b, 'blank')).toBeUndefined();
    expect(optionalText(b, 'missing')).toBeUndefined();
    expect(() => optionalText(b, 'long')).toThrow(BadRequestError);
  });
});

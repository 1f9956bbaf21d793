import { describe, expect, it } from 'vitest';
import { expectValidCard } from '../../support/adaptive-card.js';
import { checkTenant, isPersonalChat } from '../../../src/teams/admission.js';
import { admitNewcomer } from '../../../src/domain/directory/enrolment.js';
import { validateSeed, type School } from '../../../src/domain/directory/directory.js';
import { buildPersonalChatPointer, personalChatUrl } from '../../../src/teams/personal-chat-card.js';

const T = '00000000-0000-4000-8000-00000000a001';
const OTHER = '99999999-0000-4000-8000-000000000099';
const tenants = new Set([T]);

describe('which activities the bot acts on', () => {
  it.each([
    ['Teams, the school tenant in both places', { channelId: 'msteams', conversation: { tenantId: T }, channelData: { tenant: { id: T } } }, true],
    ['Teams, the tenant only in channel data', { channelId: 'msteams', conversation: {}, channelData: { tenant: { id: T } } }, true],
    ['Teams, another tenant', { channelId: 'msteams', conversation: { tenantId: OTHER }, channelData: { tenant: { id: OTHER } } }, false],
    ['Teams, the two fields disagree', { channelId: 'msteams', conversation: { tenantId: OTHER }, channelData: { tenant: { id: T } } }, false],
    ['Teams, no tenant at all', { channelId: 'msteams', conversation: {}, channelData: {} }, false],
    ['Web Chat with the school tenant', { channelId: 'webchat', conversation: { tenantId: T }, channelData: { tenant: { id: T } } }, false],
  ])('%s', (_name, activity, ok) => {
    expect(checkTenant(activity as never, tenants).ok).toBe(ok);
  });

  it.each([
    [{ conversationType: 'personal' }, true],
    [{}, true], // the Agents Playground's 1:1 chat
    [{ conversationType: 'channel', isGroup: true }, false],
    [{ conversationType: 'groupChat', isGroup: true }, false],
    [{ isGroup: true }, false],
  ])('conversation %j is a 1:1 chat: %s', (conversation, personal) => {
    expect(isPersonalChat({ conversation } as never)).toBe(personal);
  });
});

describe('who may enrol', () => {
  const school = (id: string, staffEmailDomains?: string[]): School => ({ id, name: id, referencePrefix: 'X', headTitle: 'Headteacher', tenantId: T, staffEmailDomains });
  const who = { aadObjectId: 'aad-1', tenantId: T };

  it.each([
    ['a member of the tenant', { userRole: 'user' }, true],
    ['a guest', { userRole: 'guest' }, false],
    ['an anonymous user', { userRole: 'anonymous' }, false],
    ['an entry without a role', {}, false],
    ['an entry for someone else', { userRole: 'user', aadObjectId: 'aad-2' }, false],
    ['an entry from another tenant', { userRole: 'user', tenantId: OTHER }, false],
  ])('%s', (_name, entry, ok) => {
    expect(admitNewcomer(entry, who, [school('a')]).ok).toBe(ok);
  });

  it('keeps to the staff email domains a school lists, and leaves schools without a list open', () => {
    const schools = [school('a', ['staff.a.example']), school('b')];
    const pupil = admitNewcomer({ userRole: 'user', userPrincipalName: 'p1@pupils.a.example' }, who, schools);
    expect(pupil.ok && pupil.schools.map((s) => s.id)).toEqual(['b']);
    const staff = admitNewcomer({ userRole: 'user', userPrincipalName: 'Jo@STAFF.A.example' }, who, schools);
    expect(staff.ok && staff.schools.map((s) => s.id)).toEqual(['a', 'b']);
    expect(admitNewcomer({ userRole: 'user', email: 'p1@pupils.a.example' }, who, [schools[0]])).toEqual({ ok: false, reason: 'notStaffDomain' });
  });
});

describe('the seed names each school\'s tenant', () => {
  const base = { id: 'a-school', name: 'A', referencePrefix: 'AS', headTitle: 'Headteacher', members: [] };
  it('accepts the seed\'s tenant or the school\'s own, and refuses none or a malformed one', () => {
    expect(validateSeed({ tenantId: T, schools: [base] })).toEqual([]);
    expect(validateSeed({ schools: [{ ...base, tenantId: T }] })).toEqual([]);
    expect(validateSeed({ schools: [base] })).toEqual([expect.stringContaining('schools[0].tenantId')]);
    expect(validateSeed({ tenantId: 'westbrook', schools: [base] })).toEqual([expect.stringContaining('schools[0].tenantId')]);
  });
  it('checks staff email domains', () => {
    expect(validateSeed({ tenantId: T, schools: [{ ...base, staffEmailDomains: ['staff.school.example'] }] })).toEqual([]);
    expect(validateSeed({ tenantId: T, schools: [{ ...base, staffEmailDomains: ['@school'] }] })).toEqual([expect.stringContaining('staffEmailDomains')]);
    expect(validateSeed({ tenantId: T, schools: [{ ...base, staffEmailDomains: 'school.example' }] })).toEqual([expect.stringContaining('staffEmailDomains')]);
  });
});

describe('the pointer to the 1:1 chat', () => {
  it('is a card with a button to the chat with the bot when its app id is known', () => {
    const url = personalChatUrl('11111111-2222-3333-4444-555555555555');
    expect(url).toBe('https://teams.microsoft.com/l/chat/0/0?users=28%3A11111111-2222-3333-4444-555555555555');
    const { attachments } = buildPersonalChatPointer(url);
    expectValidCard(attachments![0].content);
    expect((attachments![0].content.actions as any[]).map((a) => [a.type, a.url])).toEqual([['Action.OpenUrl', url]]);
  });
  it('is plain text without an app id', () => {
    expect(personalChatUrl('')).toBeUndefined();
    expect(buildPersonalChatPointer(undefined)).toEqual({ text: expect.stringContaining('Open Safer Social from Apps in Teams') });
  });
});

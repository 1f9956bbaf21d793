import { describe, expect, it } from 'vitest';
import {
  canAcknowledge,
  checkDeclarationForm,
  declarationRecipients,
  findDuplicate,
  normalisePupilName,
  normaliseYearGroup,
  routeDeclaration,
} from '../../../src/domain/declarations/declaration.js';
import type { Member } from '../../../src/domain/directory/directory.js';

const valid = {
  pupilName: '  Amy   Taylor ',
  yearGroup: 'Year 5',
  relationship: 'auntUncle',
  platforms: 'facebook,whatsapp',
  otherRelatives: 'no',
  confirmed: 'true',
};

const m = (aad: string, roles: Member['roles']): Member => ({ schoolId: 'westbrook', aadObjectId: aad, name: aad, roles });
const staff = m('staff', ['staff']);
const head = m('head', ['staff', 'slt', 'headteacher']);
const slt = m('slt', ['staff', 'slt', 'dsl']);
const chair = m('chair', ['chair']);
const members = [staff, head, slt, chair];

describe('checkDeclarationForm', () => {
  it('accepts a complete form and tidies it', () => {
    const r = checkDeclarationForm(valid);
    expect(r).toEqual({
      ok: true,
      answers: { pupilName: 'Amy Taylor', yearGroup: 'Year 5', relationship: 'auntUncle', platforms: ['facebook', 'whatsapp'], otherRelatives: 'no', confirmed: true },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no pupil name', { pupilName: ' ' }, "pupil's name"],
    ['no year group', { yearGroup: '' }, 'year group or class'],
    ['unknown relationship', { relationship: 'friend' }, 'choose the relationship'],
    ['other without a description', { relationship: 'other' }, 'describe the relationship'],
    ['no platforms', { platforms: '' }, 'platforms'],
    ['an unknown platform', { platforms: 'myspace' }, 'from the list'],
    ['none with a platform', { platforms: 'none,facebook' }, 'one or the other'],
    ['other platform unnamed', { platforms: 'other' }, 'name the other platform'],
    ['relatives unanswered', { otherRelatives: '' }, 'siblings or other relatives'],
    ['declaration not ticked', { confirmed: 'false' }, 'tick the declaration'],
    ['a very long name', { pupilName: 'x'.repeat(101) }, 'at most 100'],
    ['a very long note', { anythingElse: 'x'.repeat(2001) }, 'at most 2,000'],
  ])('refuses %s', (_what, change, message) => {
    const r = checkDeclarationForm({ ...valid, ...change });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.join(' ')).toContain(message);
  });

  it('names every problem at once', () => {
    const r = checkDeclarationForm({});
    expect(!r.ok && r.errors.length).toBe(6);
  });

  it('keeps the descriptions that apply and drops the rest', () => {
    const r = checkDeclarationForm({ ...valid, relationship: 'other', relationshipOther: 'Godparent', platforms: 'other', platformsOther: 'Discord', otherRelatives: 'yes', otherRelativesDetail: 'Her brother, Year 2' });
    expect(r.ok && r.answers).toMatchObject({ relationshipOther: 'Godparent', platformsOther: 'Discord', otherRelativesDetail: 'Her brother, Year 2' });
    const r2 = checkDeclarationForm({ ...valid, relationshipOther: 'ignored', platformsOther: 'ignored', otherRelativesDetail: 'ignored' });
    expect(r2.ok && r2.answers).not.toHaveProperty('relationshipOther');
    expect(r2.ok && r2.answers).not.toHaveProperty('platformsOther');
    expect(r2.ok && r2.answers).not.toHaveProperty('otherRelativesDetail');
  });
});

describe('duplicate detection (normalised name + year group)', () => {
  it.each([
    ['Amy Taylor', 'amy  taylor'],
    ["Zoë O'Neil", 'zoe o neil'],
    ['ANNE-MARIE Smith', 'anne marie smith'],
  ])('%s is the same pupil as %s', (a, b) => expect(normalisePupilName(a)).toBe(normalisePupilName(b)));

  it.each([
    ['Year 5', '5'],
    ['Y5', 'year 5'],
    ['yr 5', '5'],
    ['5B', '5 b'],
    ['Reception', 'reception'],
  ])('%s is the same year group as %s', (a, b) => expect(normaliseYearGroup(a)).toBe(normaliseYearGroup(b)));

  const existing = [
    { id: '1', status: 'withdrawn', answers: { pupilName: 'Amy Taylor', yearGroup: 'Year 5' } },
    { id: '2', status: 'acknowledged', answers: { pupilName: 'Ben Taylor', yearGroup: 'Year 3' } },
    { id: '3', status: 'awaitingAcknowledgement', answers: { pupilName: 'Cara Jones', yearGroup: '6C' } },
  ];
  it.each<[string, string, string | undefined]>([
    ['amy taylor', 'Y5', undefined], // withdrawn: a new declaration is allowed
    ['Ben  TAYLOR', '3', '2'],
    ['Ben Taylor', 'Year 4', undefined], // a different year group: a different pupil
    ['cara jones', '6 c', '3'],
    ['Dan Jones', '6C', undefined],
  ])('%s in %s → %s', (name, year, id) => {
    expect(findDuplicate(existing, { pupilName: name, yearGroup: year })?.id).toBe(id);
  });
});

describe('who acknowledges', () => {
  it('a member of staff\'s declaration goes to the headteacher; the head\'s own to the chair', () => {
    expect(routeDeclaration(staff)).toMatchObject({ safeguarding: false, aboutHead: false, queue: 'head' });
    expect(routeDeclaration(slt)).toMatchObject({ aboutHead: false, queue: 'head' });
    expect(routeDeclaration(head)).toMatchObject({ safeguarding: false, aboutHead: true, queue: 'chair' });
  });

  it.each<[string, Member, Member, boolean]>([
    ['head, for staff', head, staff, true],
    ['SLT/DSL, for staff', slt, staff, false],
    ['chair, for staff', chair, staff, false],
    ['the declarer', staff, staff, false],
    ['chair, for the head', chair, head, true],
    ['head, for own', head, head, false],
    ['SLT, for the head', slt, head, false],
  ])('%s → %s', (_w, actor, declarer, ok) => {
    expect(canAcknowledge(actor, { schoolId: 'westbrook', routing: routeDeclaration(declarer), submitter: declarer })).toBe(ok);
  });

  it('queues an acknowledgement request and the declarer\'s receipt', () => {
    expect(declarationRecipients(routeDeclaration(staff), members, staff).map((r) => [r.kind, r.recipient.aadObjectId])).toEqual([
      ['acknowledgementRequest', 'head'],
      ['receipt', 'staff'],
    ]);
    expect(declarationRecipients(routeDeclaration(head), members, head).map((r) => [r.kind, r.recipient.aadObjectId])).toEqual([
      ['acknowledgementRequest', 'chair'],
      ['receipt', 'head'],
    ]);
  });

  it('another school\'s head cannot acknowledge', () => {
    expect(canAcknowledge({ ...head, schoolId: 'other' }, { schoolId: 'westbrook', routing: routeDeclaration(staff), submitter: staff })).toBe(false);
  });
});

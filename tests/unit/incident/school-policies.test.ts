import { describe, expect, it } from 'vitest';
import type { Member, School } from '../../../src/domain/directory/directory.js';
import { POLICIES, makeClient, play, say, submit, type Turn } from './report-dialog-harness.js';

const school = (id: string, name: string, headTitle = 'Headteacher'): School => ({ id, name, referencePrefix: 'SM', headTitle });
const SCHOOLS = {
  beechwood: school('beechwood', 'Beechwood Primary School'),
  moorNook: school('moor-nook', 'Moor Nook Community Primary School'),
  newallGreen: school('newall-green', 'Newall Green Primary School'),
};
const memberOf = (s: School): Member => ({ schoolId: s.id, aadObjectId: `aad-${s.id}`, name: 'Alex Reporter', roles: ['staff'] });
const send = submit({ verb: 'incident', step: 'summary', action: 'submit' });

const upToSummary = (category: string, evidence = true): Turn[] => [
  ['report', 'What do you want to report?'],
  [category, 'Who is affected?'],
  ['me', 'Who is responsible'],
  ['a pupil', 'Where did it happen?'],
  ['facebook', 'Where exactly?'],
  ['@someone', 'When did it happen?'],
  ['today 9:15am', 'What happened?'],
  ['A friend request from a pupil.', 'pupil is at risk'],
  ...(evidence ? ([['no', 'Screenshots'], ['done', 'Check your report']] as Turn[]) : ([['no', 'Check your report']] as Turn[])),
];

/** The sent card's advice lines ("- …"). */
async function sentAdvice(s: School, category: string): Promise<string> {
  const { client } = makeClient({ school: s, member: memberOf(s) });
  await play(client, upToSummary(category));
  return say(client, send);
}

describe("each school's own advice and citations for the same report", () => {
  it('a friend request from a pupil: Beechwood §4, Moor Nook "Pupil/Students", Newall Green §6.7 — and never another school\'s', async () => {
    const beech = await sentAdvice(SCHOOLS.beechwood, 'contact or a friend request from a pupil');
    const moor = await sentAdvice(SCHOOLS.moorNook, 'contact or a friend request from a pupil');
    const newall = await sentAdvice(SCHOOLS.newallGreen, 'contact or a friend request from a pupil');
    expect(beech).toContain('(Beechwood policy §4)');
    expect(moor).toContain('(Moor Nook policy, “Pupil/Students”)');
    expect(newall).toMatch(/\(Newall Green policy §6\.7[^)]*\)/);
    for (const [text, others] of [[beech, ['Moor Nook', 'Newall Green']], [moor, ['Beechwood', 'Newall Green']], [newall, ['Beechwood', 'Moor Nook']]] as const) {
      for (const o of others) expect(text).not.toContain(o);
      expect(text).not.toMatch(/policy 11\.2|Westbrook/);
    }
  });

  it('cyberbullying: Newall Green asks for screenshots (§11.2) and advises union support (§11.5); Beechwood says nothing of its own', async () => {
    const newall = makeClient({ school: SCHOOLS.newallGreen, member: memberOf(SCHOOLS.newallGreen) });
    await play(newall.client, upToSummary('cyberbullying').slice(0, 8));
    const hint = await say(newall.client, 'no');
    expect(hint).toContain("Your school's policy asks for them (Newall Green policy §11.2)");
    await say(newall.client, 'done');
    const sent = await say(newall.client, send);
    expect(sent).toContain('(Newall Green policy §11.5)');

    const beech = makeClient({ school: SCHOOLS.beechwood, member: memberOf(SCHOOLS.beechwood) });
    await play(beech.client, upToSummary('cyberbullying').slice(0, 8));
    const beechHint = await say(beech.client, 'no');
    expect(beechHint).toContain('Screenshots');
    expect(beechHint).not.toContain("policy asks for them");
    const beechSent = await say(beech.client, 'done');
    expect(beechSent).toContain('Check your report');
    const beechDone = await say(beech.client, send);
    expect(beechDone).toContain('Report sent');
    expect(beechDone).not.toContain('What you should do now');
    expect(beechDone).not.toMatch(/policy §/);
  });

  it('indecent images of children at Newall Green: the statutory advice at once, never screenshots, the head and the DSL told', async () => {
    const s = SCHOOLS.newallGreen;
    const { client, evidence } = makeClient({ school: s, member: memberOf(s) });
    await play(client, [
      ['report', 'What do you want to report?'],
      ['indecent images of children', ['Do not look at the images again.', 'Sharing nudes and semi-nudes', 'Who is affected?']],
      ['a pupil', 'Who is responsible'],
      ['unknown', 'Where did it happen?'],
      ['snapchat', 'Where exactly?'],
      ['a group chat', 'When did it happen?'],
      ['yesterday', 'What happened?'],
      ['A pupil showed me a picture.', 'pupil is at risk'],
      ['yes', ['Check your report', 'None (never for this kind of report)', 'the designated safeguarding lead is alerted at once; it goes to the Headteacher.']],
      [send, ['The designated safeguarding lead has been alerted now; the Headteacher has been told.', 'Do not look at the images again.']],
    ]);
    expect(evidence.links).toBe(0);
  });

  it('an inappropriate image of a colleague may have screenshots, and Newall Green says what happens next (§8.4)', async () => {
    const s = SCHOOLS.newallGreen;
    const { client } = makeClient({ school: s, member: memberOf(s) });
    await play(client, upToSummary('an inappropriate or embarrassing image'));
    expect(await say(client, send)).toContain('(Newall Green policy §8.4)');
  });

  it("a concern about the head at Newall Green names its own Chair of Governors", async () => {
    const s = SCHOOLS.newallGreen;
    const { client } = makeClient({ school: s, member: memberOf(s) });
    const turns = upToSummary('trolling');
    turns[3] = ['the headteacher', 'Where did it happen?'];
    await play(client, turns.slice(0, -1));
    expect(await say(client, 'done')).toContain('it goes to the Chair of Governors, and the Headteacher will not see it.');
  });

  it('the policies the harness reads are the five profiles', () => {
    for (const id of ['westbrook', 'newall-green', 'wootton', 'moor-nook', 'beechwood']) expect(POLICIES.of({ id, name: id, headTitle: 'Headteacher' }).held).toBe(true);
  });
});

describe("the chair's notice and the menu quote the school's own policy, or nothing", () => {
  const notice = async (schoolId: string) => {
    const { OutboxRenderer } = await import('../../../src/teams/outbox-renderer.js');
    const directory = { school: async () => undefined } as never;
    const renderer = new OutboxRenderer({ teamsAppId: '', publicBaseUrl: 'https://app.example' }, directory, { findByAad: async () => undefined }, [], POLICIES);
    const c = {
      schoolId, id: 'c'.repeat(16), reference: 'SM-2026-0001', kind: 'incident', category: 'trolling', status: 'new',
      routing: { safeguarding: false, aboutHead: true, queue: 'chair', severity: 'medium', reasons: [] }, submitter: { aadObjectId: 'a', name: 'A' },
      answers: {}, createdAt: '2026-03-14T15:00:00Z', updatedAt: '2026-03-14T15:00:00Z',
    } as const;
    return JSON.stringify((await renderer.render({ kind: 'chairNotice', payload: {} } as never, c as never)).card!.content);
  };

  it('Newall Green: its §6.24 on the Chair of Governors; Beechwood, silent, quotes nothing', async () => {
    const newall = await notice('newall-green');
    expect(newall).toContain('If concerns relate to the Headteacher then the Chair of Governors should be informed immediately');
    expect(newall).toContain('Newall Green policy §6.24');
    const beech = await notice('beechwood');
    expect(beech).toContain('This case is hidden from the headteacher.');
    expect(beech).not.toMatch(/policy §|Chair of Governors should/);
  });

  it("the notice to someone the policy names quotes the clause that names them (Newall Green §6.7), or nothing", async () => {
    const { OutboxRenderer } = await import('../../../src/teams/outbox-renderer.js');
    const renderer = new OutboxRenderer({ teamsAppId: '', publicBaseUrl: 'https://app.example' }, { school: async () => undefined, member: async () => undefined } as never, { findByAad: async () => undefined }, [], POLICIES);
    const told = async (schoolId: string, role: string) => {
      const c = {
        schoolId, id: 'c'.repeat(16), reference: 'SM-2026-0002', kind: 'incident', category: 'pupilContact', status: 'new',
        routing: { safeguarding: true, aboutHead: false, queue: 'dsl', severity: 'high', reasons: [] }, submitter: { aadObjectId: 'a', name: 'A' },
        answers: {}, createdAt: '2026-03-14T15:00:00Z', updatedAt: '2026-03-14T15:00:00Z',
      } as const;
      return JSON.stringify((await renderer.render({ kind: 'sltNotice', payload: { role }, recipient: { aadObjectId: 'h', name: 'H' } } as never, c as never)).card!.content);
    };
    expect(await told('newall-green', 'head')).toMatch(/inform an appropriate person i\.e\. headteacher in school\.\\" \(Newall Green policy §6\.7 \(/);
    // Beechwood names nobody for this kind of report: no quote and no clause.
    expect(await told('beechwood', 'head')).not.toMatch(/policy §|\\"/);
    expect(await told('newall-green', 'lineManager')).not.toContain('§');
  });

  it('the menu quotes the reporting rule of the school (Wootton 4.3) and none for Beechwood', async () => {
    const { reportingRuleQuote } = await import('../../../src/domain/cases/report-advice.js');
    expect(reportingRuleQuote(POLICIES.of({ id: 'wootton', name: 'Wootton', headTitle: 'Principal' }))).toMatch(/^"Any misuse of social media should be reported to the Principal.*\(Wootton .*§4\.3\)$/);
    expect(reportingRuleQuote(POLICIES.of({ id: 'beechwood', name: 'Beechwood', headTitle: 'headteacher' }))).toBeUndefined();
  });
});

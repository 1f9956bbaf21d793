import { describe, expect, it } from 'vitest';
import { nobodyToldText, whoIsTold } from '../../../src/domain/cases/who-is-told.js';
import { policyRoutes, routeIncident } from '../../../src/domain/cases/routing.js';
import type { CaseRecord, OutboxItem, Routing } from '../../../src/domain/cases/types.js';
import type { DirectoryService } from '../../../src/domain/directory/directory-service.js';
import { OutboxRenderer } from '../../../src/teams/outbox-renderer.js';
import { NOW, POLICIES, SCHOOL, STAFF, makeClient, play, say, submit, typedAnswers, type Turn } from '../incident/report-dialog-harness.js';

const routing = (safeguarding: boolean, aboutHead: boolean): Routing => ({ safeguarding, aboutHead, severity: 'high' }) as Routing;

describe('what the reporter is told when a school has nobody in a role', () => {
  it.each([
    [routing(true, false), ['dsl'], ['No designated safeguarding lead is set up', 'Tell your designated safeguarding lead or the Head in person now.'], ['alerted now', 'chair']],
    [routing(false, true), ['chair'], ['No chair of governors is set up', 'the Head will not see it', 'Tell the chair of governors in person now.'], ['alerted now', 'has been told']],
    [routing(true, true), ['chair'], ['The designated safeguarding lead has been alerted now.', 'No chair of governors is set up', 'Tell the chair of governors'], ['chair of governors has been told']],
    [routing(true, true), ['dsl'], ['The chair of governors has been told, and the Head will not see this report.', 'No designated safeguarding lead', 'Tell the designated safeguarding lead in person'], ['alerted now', 'or the Head']],
    [routing(true, true), ['dsl', 'chair'], ['No designated safeguarding lead and no chair of governors is set up', 'Tell the designated safeguarding lead and the chair of governors in person now.'], ['alerted now', 'has been told']],
  ] as const)('%o missing %o', (r, missing, says, never) => {
    const text = nobodyToldText(r, missing, 'Head');
    for (const s of says) expect(text).toContain(s);
    for (const s of never) expect(text).not.toContain(s);
  });
});

describe('who is told: the summary, the reply on sending and the receipt say the same', () => {
  const send = submit({ verb: 'incident', step: 'summary', action: 'submit' });
  const answersUpToSummary = (category: string, responsible: string, pupilAtRisk: string): Turn[] => [...typedAnswers(category, responsible, pupilAtRisk), ['done', 'Check your report']];
  const directory = { school: async () => SCHOOL } as unknown as DirectoryService;
  const renderer = new OutboxRenderer({ teamsAppId: '', publicBaseUrl: 'https://app.example' }, directory, { findByAad: async () => undefined }, [], POLICIES);
  type Block = { type: string; text?: string };
  const blocks = (json: string): Block[] => (JSON.parse(json) as { body: Block[] }).body;

  it.each([
    // Westbrook's own words for its senior team, and its rule that misuse is reported to the Headteacher.
    ['the senior team', 'staff misuse', 'unknown', 'no', undefined, 'The senior School Staff has been told and will look at it.'],
    ['the DSL', 'staff misuse', 'unknown', 'yes', undefined, 'The designated safeguarding lead has been alerted now; the Headteacher has been told.'],
    ['the chair (about the head)', 'staff misuse', 'the headteacher', 'no', undefined, 'The chair of governors has been told, and the Headteacher will not see this report.'],
    ['the DSL and the chair', 'staff misuse', 'the headteacher', 'yes', undefined, 'The designated safeguarding lead has been alerted now; the chair of governors has been told, and the Headteacher will not see this report.'],
    ['no DSL set up', 'staff misuse', 'unknown', 'yes', ['dsl'], 'Tell your designated safeguarding lead or the Headteacher in person now.'],
    ['no chair set up', 'staff misuse', 'the headteacher', 'no', ['chair'], 'Tell the chair of governors in person now.'],
  ] as const)('routed to %s', async (_to, category, responsible, pupilAtRisk, nobody, expected) => {
    const { client, cases } = makeClient();
    if (nobody) cases.nobodyToAlert = [...nobody];
    await play(client, answersUpToSummary(category, responsible, pupilAtRisk));
    const reply = (await say(client, send)).split('\n').filter((l) => l.startsWith('{'));
    const sent = blocks(reply[reply.length - 1]);
    const told = sent[sent.findIndex((b) => b.text === 'What happens next') + 1].text!;
    expect(told).toContain(expected);

    const answers = cases.submitted[0].answers;
    const c: CaseRecord = {
      schoolId: SCHOOL.id, id: 'c'.repeat(16), reference: 'SM-2026-0001', kind: 'incident', category: answers.category, status: 'new',
      routing: routeIncident(answers, policyRoutes(POLICIES.of(SCHOOL), answers)), submitter: { aadObjectId: STAFF.aadObjectId, name: STAFF.name }, answers: { ...answers },
      createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(),
    };
    const item = { kind: 'receipt', payload: nobody ? { nobodyToAlert: [...nobody] } : {} } as unknown as OutboxItem;
    const receipt = await renderer.render(item, c);
    const saved = blocks(JSON.stringify(receipt.card!.content)).map((b) => b.text);
    expect(saved).toContain(`Incident report saved at Sat 14 Mar, 15:00. ${told}`);
    // The Cases tab shows the reporter the same words (src/tab-api/cases-api.ts).
    expect(whoIsTold(c, POLICIES.of(SCHOOL).terms, { nobody })).toBe(told);
  });

  it('words the summary before sending in the future tense, from the same routing', () => {
    const routingOf = (safeguarding: boolean, aboutHead: boolean) => ({ kind: 'incident' as const, routing: { safeguarding, aboutHead } as Routing });
    expect(whoIsTold(routingOf(false, false), 'Principal', { tense: 'future' })).toBe('it goes to the senior leadership team.');
    expect(whoIsTold(routingOf(true, true), 'Principal', { tense: 'future' })).toBe('the designated safeguarding lead is alerted at once; it goes to the chair of governors, and the Principal will not see it.');
    expect(whoIsTold({ kind: 'familyDeclaration', routing: { safeguarding: false, aboutHead: false } as Routing }, 'Principal')).toBe('The people who decide on it have been told.');
  });
});

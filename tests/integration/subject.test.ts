import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { PEOPLE, makeMessage, makeSubmit, type Person } from '../support/activities.js';
import { BotHarness } from '../support/bot-harness.js';
import { devToken } from '../support/tokens.js';

const prefix = 's' + randomBytes(3).toString('hex');
let h: BotHarness;

beforeAll(async () => {
  h = await BotHarness.start({ prefix, install: [PEOPLE.staff, PEOPLE.dsl, PEOPLE.deputy, PEOPLE.head], env: { DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true' } });
});
afterAll(() => h?.stop());

const say = (p: Person, text: string) => h.turn(p, makeMessage(p, h.connector.url, text));
const answer = (p: Person, step: string, value: string, action = 'answer') => h.turn(p, makeSubmit(p, h.connector.url, { verb: 'incident', step, action, value }));
const tab = async (p: Person, path: string) => fetch(`${h.server.url}/api/tab${path}`, { headers: { authorization: `Bearer ${await devToken(p.aad)}` } });

describe('a report about the DSL, by name', () => {
  it('alerts the deputy DSL, never the DSL, who gets 404 on the case and does not find it in the list; the case says who was left out', async () => {
    const staff = PEOPLE.staff;
    expect(await say(staff, 'report')).toContain('What do you want to report?');
    await answer(staff, 'category', 'staffMisuse');
    await answer(staff, 'affected', 'pupil');
    const picker = await answer(staff, 'responsible', 'staff');
    expect(picker).toContain('Who is it? (optional)');
    expect(picker).toContain('staff.westbrook');
    expect(await answer(staff, 'subject', PEOPLE.dsl.aad)).toContain('Where did it happen?');
    await answer(staff, 'platform', 'facebook');
    await answer(staff, 'where', 'A private group');
    await h.turn(staff, makeSubmit(staff, h.connector.url, { verb: 'incident', step: 'when', action: 'ongoing' }));
    await answer(staff, 'whatHappened', 'Messages sent to a pupil late at night.');
    await answer(staff, 'pupilAtRisk', 'yes');
    const summary = await h.turn(staff, makeSubmit(staff, h.connector.url, { verb: 'incident', step: 'evidence', action: 'done' }));
    expect(summary).toContain('Dev Patel');
    const sent = await h.turn(staff, makeSubmit(staff, h.connector.url, { verb: 'incident', step: 'summary', action: 'submit' }));
    const reference = /SM-\d{4}-\d{4}/.exec(sent)![0];
    expect(sent).toContain('The person you named has not been told and cannot see your report.');
    const caseId = await h.caseIdOf(reference);
    const d = await h.settled(caseId);

    const told = d.outbox.filter((o) => o.kind !== 'receipt').map((o) => o.recipient.aadObjectId);
    expect(told).toContain(PEOPLE.deputy.aad);
    expect(told).not.toContain(PEOPLE.dsl.aad);
    expect(h.cardsTo(PEOPLE.deputy).some((c) => JSON.stringify(c).includes(reference))).toBe(true);
    expect(h.cardsTo(PEOPLE.dsl).some((c) => JSON.stringify(c).includes(reference))).toBe(false);

    expect((await tab(PEOPLE.dsl, `/cases/${caseId}`)).status).toBe(404);
    const list = (await (await tab(PEOPLE.dsl, '/cases')).json()) as { items: Array<{ id: string }> };
    expect(list.items.map((c) => c.id)).not.toContain(caseId);

    const deputyView = await tab(PEOPLE.deputy, `/cases/${caseId}`);
    expect(deputyView.status).toBe(200);
    const detail = (await deputyView.json()) as { events: Array<{ type: string; detail: string | null }>; answers: Array<{ label: string; value: string }> };
    expect(detail.events.find((e) => e.type === 'leftOut')?.detail).toBe('Left out: Dev Patel, the person the report is about. They were not told of this case and cannot see it.');
    expect(detail.answers.find((a) => a.label === 'Who it is about')?.value).toBe('Dev Patel');
    const deputyList = (await (await tab(PEOPLE.deputy, '/cases')).json()) as { items: Array<{ id: string }> };
    expect(deputyList.items.map((c) => c.id)).toContain(caseId);
  });
});

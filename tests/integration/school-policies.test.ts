import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BotHarness } from '../support/bot-harness.js';
import { conversationOf, makeMessage, makeSubmit, type Person } from '../support/activities.js';

// The demo trust (config/schools.demo.json): the five schools whose policies the app holds, one server.
const SEED_FILE = 'config/schools.demo.json';
type SeedMember = { aadObjectId: string; name: string; roles: string[] };
const seed = JSON.parse(readFileSync(SEED_FILE, 'utf8')) as { schools: Array<{ id: string; name: string; members: SeedMember[] }> };
type Profile = { id: string; policy: { schoolName: string }; rules: Record<string, unknown> };
const profile = (id: string) => JSON.parse(readFileSync(`config/policies/${id}.json`, 'utf8')) as Profile;
const SCHOOL_IDS = seed.schools.map((s) => s.id);

/** A school's people by their part in it: the class teacher, the head, the DSL, the deputy DSL, the chair, other staff. */
function peopleOf(schoolId: string) {
  const m = seed.schools.find((s) => s.id === schoolId)!.members.map((x) => ({ aad: x.aadObjectId, name: x.name, roles: x.roles }));
  const p = (pred: (r: string[]) => boolean) => m.find((x) => pred(x.roles))!;
  return {
    all: m as Person[],
    teacher: p((r) => r.length === 1 && r[0] === 'staff'),
    head: p((r) => r.includes('headteacher')),
    dsl: p((r) => r.includes('dsl')),
    deputy: p((r) => r.includes('deputyDsl')),
    chair: p((r) => r.includes('chair')),
    other: m.filter((x) => x.roles.length === 1 && x.roles[0] === 'staff')[1],
  };
}
type School = ReturnType<typeof peopleOf> & { id: string };
const school = (id: string): School => ({ id, ...peopleOf(id) });
const NEWALL = school('newall-green');
const BEECH = school('beechwood');
const MOOR = school('moor-nook');
const WOOTTON = school('wootton');

/** Every string in a sent activity (text, card text, fact values), so quotes are compared unescaped. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

/** Every quote a profile cites and every section heading its citations name. */
function citedIn(p: Profile): { quotes: Set<string>; headings: Set<string> } {
  const quotes = new Set<string>();
  const headings = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.quote === 'string') quotes.add(o.quote);
      if (typeof o.quote === 'string' && typeof o.heading === 'string') headings.add(o.heading);
      Object.values(o).forEach(walk);
    }
  };
  walk(p.rules);
  return { quotes, headings };
}

/** "Newall Green policy" and the like, as the app names each school's policy in a citation. */
const shortName = (schoolName: string) => schoolName.replace(/(\s+(Primary|Community))*\s+(School|Academy)\b.*$/i, '').trim();

let h: BotHarness;

beforeAll(async () => {
  h = await BotHarness.start({
    prefix: 'sp' + randomBytes(3).toString('hex'),
    install: [NEWALL, BEECH, MOOR, WOOTTON].flatMap((s) => s.all),
    env: { SCHOOLS_SEED_FILE: SEED_FILE },
  });
});
afterAll(() => h?.stop());

const say = (p: Person, text: string) => h.turn(p, makeMessage(p, h.connector.url, text));
const answer = (p: Person, value: Record<string, unknown>) => h.turn(p, makeSubmit(p, h.connector.url, value));
const step = (p: Person, s: string, value: string) => answer(p, { verb: 'incident', step: s, action: 'answer', value });

/** One whole report through the bot; returns the reference and what the bot said when it was sent. */
async function report(p: Person, category: 'pupilContact' | 'indecentImagesOfChildren'): Promise<{ reference: string; sent: string }> {
  expect(await say(p, 'report')).toContain('What do you want to report?');
  expect(await step(p, 'category', category)).toContain('Who is affected?');
  expect(await step(p, 'affected', category === 'pupilContact' ? 'me' : 'pupil')).toContain('Who is responsible');
  expect(await step(p, 'responsible', category === 'pupilContact' ? 'pupil' : 'unknown')).toContain('Where did it happen?');
  expect(await step(p, 'platform', 'facebook')).toContain('Where exactly?');
  expect(await step(p, 'where', 'https://www.facebook.com/someone')).toContain('When did it happen?');
  expect(await answer(p, { verb: 'incident', step: 'when', action: 'answer', date: '2026-01-10', time: '19:30' })).toContain('What happened?');
  expect(await step(p, 'whatHappened', 'A confidential description of what happened.')).toContain('pupil is at risk');
  const afterRisk = await step(p, 'pupilAtRisk', 'unsure');
  if (category === 'indecentImagesOfChildren') {
    // Never screenshots for this kind of report: straight to the summary.
    expect(afterRisk).toContain('Check your report');
    expect(afterRisk).not.toContain('"verb":"incident","step":"evidence"');
  } else {
    expect(afterRisk).toContain('Screenshots');
    expect(await answer(p, { verb: 'incident', step: 'evidence', action: 'done' })).toContain('Check your report');
  }
  const sent = await answer(p, { verb: 'incident', step: 'summary', action: 'submit' });
  const reference = /\b[A-Z]{2}-\d{4}-\d{4}\b/.exec(sent)?.[0];
  expect(reference, sent).toBeDefined();
  return { reference: reference!, sent };
}

/** The outbox of a case once delivered: [kind, recipient] pairs, sorted. */
async function told(s: School, reference: string): Promise<string[][]> {
  const d = await h.settled(await h.caseIdOf(reference, s.id), s.id);
  expect(d.outbox.every((o) => o.state === 'delivered'), JSON.stringify(d.outbox.map((o) => [o.kind, o.state]))).toBe(true);
  return d.outbox.map((o) => [o.kind, o.recipient.name]).sort();
}
const receiptOf = (p: Person, reference: string) => h.bodies(p).find((b) => b.includes(`Receipt: ${reference}`));

describe('the same report at Newall Green, Beechwood and Moor Nook, over HTTP with the demo trust', () => {
  // The advice each school's own policy gives on a friend request from a pupil, with its own clause label.
  const FRIEND_REQUEST: Array<[string, School, string, string]> = [
    ['Newall Green', NEWALL, 'Do not accept the request or reply to the pupil on social media. (Newall Green policy §6.7 (“Responsibilities when using social media”))', 'The designated safeguarding lead has been alerted now; the Headteacher has been told.'],
    ['Beechwood', BEECH, 'Decline the friend request. (Beechwood policy §4)', 'The designated safeguarding lead has been alerted now.'],
    ['Moor Nook', MOOR, 'Do not follow, accept or reply to the pupil on your personal accounts. (Moor Nook policy, “Pupil/Students”)', 'The designated safeguarding lead has been alerted now.'],
  ];

  it.each(FRIEND_REQUEST)("a friend request from a pupil at %s: its own advice and clause, and its own route", async (_name, s, advice, next) => {
    const { reference, sent } = await report(s.teacher, 'pupilContact');
    expect(reference.slice(0, 2)).toBe({ 'newall-green': 'NG', beechwood: 'BW', 'moor-nook': 'MN' }[s.id]);
    expect(sent).toContain('What you should do now');
    expect(sent).toContain(`- ${advice}`);
    expect(sent).toContain(next);
    // Every DSL is alerted; Newall Green's policy also tells its Headteacher (§6.7); the other two name nobody.
    const expected = [['dslAlert', s.dsl.name], ['dslAlert', s.deputy.name], ['receipt', s.teacher.name], ...(s === NEWALL ? [['sltNotice', s.head.name]] : [])].sort();
    expect(await told(s, reference)).toEqual(expected);
    await h.connector.waitUntil(() => !!receiptOf(s.teacher, reference), 10_000, 'receipt');
    expect(receiptOf(s.teacher, reference)).toContain(next);
    for (const p of [s.dsl, s.deputy]) expect(h.bodies(p).some((b) => b.includes('Safeguarding concern') && b.includes(reference))).toBe(true);
    if (s === NEWALL) {
      // Told because the policy names the Headteacher: the notice says which clause.
      const notice = h.bodies(s.head).find((b) => b.includes(reference))!;
      expect(notice).toContain('If a young person seeks to establish social contact you should inform an appropriate person i.e. headteacher in school.\\" (Newall Green policy §6.7 (“Responsibilities when using social media”))');
    } else expect(h.bodies(s.head).some((b) => b.includes(reference))).toBe(false);
    for (const p of [s.chair, s.other]) expect(h.bodies(p).some((b) => b.includes(reference))).toBe(false);
  });

  it.each([['Newall Green', NEWALL], ['Beechwood', BEECH], ['Moor Nook', MOOR]] as const)('indecent images of children at %s: no screenshots, the statutory advice named as such, its own route', async (_name, s) => {
    const { reference, sent } = await report(s.other, 'indecentImagesOfChildren');
    expect(sent).toContain('Do not look at the images again. (Sharing nudes and semi-nudes: advice for education settings working with children and young people (UK Council for Internet Safety))');
    expect(sent).toContain('Describe what you saw or were told in words only.');
    // None of the three policies gives advice of its own here: no "policy" citation at all.
    expect(sent).not.toMatch(/policy §|policy, “/);
    // Newall Green §8.1: "the Headteacher must be informed immediately"; Beechwood and Moor Nook are silent.
    expect(sent).toContain(s === NEWALL ? 'The designated safeguarding lead has been alerted now; the Headteacher has been told.' : 'The designated safeguarding lead has been alerted now.');
    if (s !== NEWALL) expect(sent).not.toContain('has been told');
    const expected = [['dslAlert', s.dsl.name], ['dslAlert', s.deputy.name], ['receipt', s.other.name], ...(s === NEWALL ? [['sltNotice', s.head.name]] : [])].sort();
    expect(await told(s, reference)).toEqual(expected);
    // No evidence was stored.
    expect((await h.settled(await h.caseIdOf(reference, s.id), s.id)).evidence).toEqual([]);
  });
});

describe('an account request: Wootton\'s three steps against Moor Nook\'s SLT, end to end', () => {
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  const form = (s: School) => ({
    about: { platform: 'instagram', accountName: `${s.id} eco club`, aim: 'Show families the eco club projects', content: 'Photos of projects, no faces', audience: 'families,staff', contributors: 'staff', openness: 'closed', promotion: 'Newsletter' },
    people: { administrators: `${s.teacher.aad},${s.other.aad}`, moderators: `${s.deputy.aad},${s.dsl.aad}`, vetting: s.deputy.name, host: 'thirdParty', hostName: 'Meta', lineManager: s.deputy.aad, security: 'Private account' },
    dates: { goLive: day(30), reviewDate: day(400), exitStrategy: 'Archive and close unless renewed', successMeasures: 'Families follow' },
  });
  const approvalCards = (p: Person, reference: string) => h.cardsTo(p).filter((c: any) => JSON.stringify(c).includes('"verb":"accountApprove"') && JSON.stringify(c).includes(reference));

  async function request(s: School): Promise<{ reference: string; summary: string }> {
    const p = s.teacher;
    const f = form(s);
    expect(await say(p, 'request account')).toContain('"id":"platform"');
    expect(await answer(p, { verb: 'requestAccount', step: 'about', action: 'next', ...f.about })).toContain('"id":"administrators"');
    expect(await answer(p, { verb: 'requestAccount', step: 'people', action: 'next', ...f.people })).toContain('"id":"goLive"');
    const summary = await answer(p, { verb: 'requestAccount', step: 'dates', action: 'next', ...f.dates });
    expect(summary).toContain('Check your request');
    const sent = await answer(p, { verb: 'requestAccount', step: 'summary', action: 'confirm' });
    const reference = /Your reference is ([A-Z]{2}-\d{4}-\d{4})/.exec(sent)?.[1];
    expect(reference, sent).toBeDefined();
    return { reference: reference!, summary };
  }
  async function approve(s: School, p: Person, reference: string, step: number) {
    await h.connector.waitUntil(() => approvalCards(p, reference).length > 0, 10_000, `${p.name}'s approval card`);
    const data = approvalCards(p, reference).at(-1).actions.find((a: any) => a.verb === 'accountApprove').data;
    expect(data).toMatchObject({ schoolId: s.id, step });
    const res = await h.invoke(p, 'accountApprove', data);
    expect(res.status).toBe(200);
    return JSON.stringify((await res.json()).value);
  }

  it('Wootton: its line manager, then a senior manager, then its Principal, each asked in turn, its own clauses cited', async () => {
    const s = WOOTTON;
    const { reference, summary } = await request(s);
    // The summary names the chain in order, in Wootton's words.
    expect(summary).toMatch(new RegExp(`"title":"Line manager","value":"${s.deputy.name}".*"title":"Senior manager","value":"${s.dsl.name}".*"title":"Principal","value":"${s.head.name}"`, 's'));
    const id = await h.caseIdOf(reference, s.id);
    const senior = s.dsl; // the first of the senior team who is neither the requester, the line manager nor the Principal
    await h.connector.waitUntil(() => approvalCards(s.deputy, reference).length === 1, 10_000, "the line manager's card");
    const first = JSON.stringify(approvalCards(s.deputy, reference)[0]);
    expect(first).toContain('Wootton policy, “APPROVAL”');
    // Nobody further along is asked before the step before theirs is decided.
    expect(approvalCards(senior, reference)).toHaveLength(0);
    expect(approvalCards(s.head, reference)).toHaveLength(0);
    expect(await approve(s, s.deputy, reference, 0)).toContain(`Approved by ${s.deputy.name}`);
    expect(await approve(s, senior, reference, 1)).toContain(`Approved by ${senior.name}`);
    expect(JSON.stringify(approvalCards(senior, reference)[0])).toContain('As senior manager');
    await h.connector.waitUntil(() => approvalCards(s.head, reference).length === 1, 10_000, "the Principal's card");
    expect(JSON.stringify(approvalCards(s.head, reference)[0])).toContain('As principal, yours is the final approval');
    expect(await approve(s, s.head, reference, 2)).toContain('Now: Approved.');
    const d = await h.settled(id, s.id);
    expect(d.case.status).toBe('approved');
    expect(d.events.filter((e) => e.type === 'decided').map((e) => [e.actor?.name, e.data?.role])).toEqual([[s.deputy.name, 'lineManager'], [senior.name, 'seniorManager'], [s.head.name, 'head']]);
    await h.connector.waitUntil(() => h.bodies(s.teacher).some((b) => b.includes(`Request ${reference} approved`)), 10_000, 'approved notice');
  });

  it("Moor Nook: any one member of its SLT decides, the first decision stands; no line manager, senior manager or head's step", async () => {
    const s = MOOR;
    const { reference, summary } = await request(s);
    const id = await h.caseIdOf(reference, s.id);
    const slt = [s.head, s.dsl, s.deputy];
    await h.connector.waitUntil(() => slt.every((p) => approvalCards(p, reference).length === 1), 10_000, 'every SLT member asked');
    for (const p of [s.teacher, s.other, s.chair]) expect(approvalCards(p, reference)).toHaveLength(0);
    const card = JSON.stringify(approvalCards(s.dsl, reference)[0]);
    expect(card).toContain(`Any one of ${s.head.name}, ${s.dsl.name}, ${s.deputy.name}: waiting`);
    expect(card).toContain('Moor Nook policy, “Process for creating new accounts”: “Following consideration by the SLT an application will be approved or rejected.”');
    expect(summary).toContain(`"title":"SLT","value":"Any one of ${s.head.name}, ${s.dsl.name}, ${s.deputy.name}"`);
    expect(summary).not.toMatch(/"title":"(Senior manager|Headteacher|Principal)"/);
    expect(await approve(s, s.dsl, reference, 0)).toContain('Now: Approved.');
    const d = await h.settled(id, s.id);
    expect(d.case.status).toBe('approved');
    expect(d.events.filter((e) => e.type === 'decided').map((e) => [e.actor?.name, e.data?.role])).toEqual([[s.dsl.name, 'slt']]);
    // A second member deciding afterwards changes nothing.
    const late = approvalCards(s.head, reference)[0].actions.find((a: any) => a.verb === 'accountApprove').data;
    await h.invoke(s.head, 'accountApprove', late);
    expect((await h.settled(id, s.id)).events.filter((e) => e.type === 'decided')).toHaveLength(1);
  });
});

describe('nothing from another school\'s policy in anything sent', () => {
  it("the menu at each school quotes that school's own reporting rule, or none", async () => {
    const menus = Object.fromEntries(await Promise.all([NEWALL, BEECH, MOOR, WOOTTON].map(async (s) => [s.id, await say(s.chair, 'help')] as const)));
    expect(menus['newall-green']).toContain('must be raised with the Headteacher immediately.\\" (Newall Green policy §6.24)');
    expect(menus.wootton).toContain('reported to the Principal or a member of the Senior Leadership of the establishment.\\" (Wootton policy §4.3)');
    // Beechwood and Moor Nook name nobody to report to: no quote and no citation of a policy (the card's
    // "Ask about the policy" box is not one).
    for (const id of ['beechwood', 'moor-nook']) expect(menus[id]).not.toMatch(/ policy (§|, “)|\\"\s*\(/);
    for (const [id, m] of Object.entries(menus)) expect(m).toContain(`goes only to the people at ${seed.schools.find((x) => x.id === id)!.name} who need`);
  });

  it('every activity the bot sent to a member of a school names only that school\'s policy, its clauses and quotes', () => {
    const byConversation = new Map<string, string>();
    for (const s of seed.schools) for (const m of s.members) byConversation.set(conversationOf({ aad: m.aadObjectId, name: m.name }), s.id);
    const own = (id: string) => ({ short: shortName(profile(id).policy.schoolName), ...citedIn(profile(id)) });
    const checked = new Set<string>();
    for (const r of h.connector.sent) {
      const schoolId = byConversation.get(r.conversationId);
      expect(schoolId, r.conversationId).toBeDefined();
      checked.add(schoolId!);
      const text = strings(r.body).join('\n');
      const mine = own(schoolId!);
      // Every citation of a policy is the school's own: "<its short name> policy §…" or "…, “heading”".
      for (const m of text.matchAll(/([A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*) policy(?= §|, “)/g)) expect(m[1], text).toBe(mine.short);
      expect(text.split('§').length - 1, text).toBe(text.split(`${mine.short} policy §`).length - 1);
      for (const other of SCHOOL_IDS.filter((x) => x !== schoolId)) {
        const o = own(other);
        expect(text, `${other} in what ${schoolId} was sent`).not.toContain(o.short);
        for (const q of o.quotes) if (!mine.quotes.has(q)) expect(text).not.toContain(q);
        for (const hd of o.headings) if (!mine.headings.has(hd)) expect(text).not.toContain(`“${hd}”`);
      }
    }
    // The check saw the three schools' reports and both account requests.
    expect([...checked].sort()).toEqual(['beechwood', 'moor-nook', 'newall-green', 'wootton']);
  });
});

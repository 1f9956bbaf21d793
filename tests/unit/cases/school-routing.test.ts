import { describe, expect, it } from 'vitest';
import { incidentRecipients, nobodyToAlert } from '../../../src/domain/cases/recipients.js';
import { policyRoutes, routeIncident } from '../../../src/domain/cases/routing.js';
import { INCIDENT_CATEGORIES, type IncidentAnswers, type IncidentCategory } from '../../../src/domain/cases/incident.js';
import type { Member, Role } from '../../../src/domain/directory/directory.js';
import { POLICIES } from '../incident/report-dialog-harness.js';

type A = Pick<IncidentAnswers, 'category' | 'affected' | 'responsible' | 'pupilAtRisk'>;
const m = (id: string, ...roles: Role[]): Member => ({ schoolId: 's', aadObjectId: id, name: id, roles });
const people = [
  { ...m('staff', 'staff'), lineManager: 'lm' },
  m('lm', 'staff'),
  m('head', 'staff', 'slt', 'headteacher'),
  m('dsl', 'staff', 'dsl'),
  m('slt', 'staff', 'slt'),
  m('chair', 'chair'),
];
const policyOf = (id: string) => POLICIES.of({ id, name: id, headTitle: 'Headteacher' });

/** Who is told (not the receipt), the referrals, and the roles nobody holds, for one report at one school. */
function told(school: string, answers: Partial<A>) {
  const a: A = { category: 'other', affected: 'me', responsible: 'unknown', pupilAtRisk: 'no', ...answers };
  const routing = routeIncident(a, policyRoutes(policyOf(school), a));
  const r = incidentRecipients(routing, people, 'staff');
  return {
    told: r.filter((x) => x.kind !== 'receipt').map((x) => x.recipient.aadObjectId).sort().join(' '),
    external: (routing.external ?? []).map((e) => `${e.body}:${e.within}`).join(' '),
    nobody: nobodyToAlert(routing, r).join(' '),
  };
}

// Per school and category, a plain report (about nobody in particular, no pupil at risk): who is told.
// The app's own routing: safeguarding → the DSL; the rest → the senior team (the head is one of them).
const SLT = 'head slt';
const TABLE: Record<string, Record<IncidentCategory, string>> = {
  // Westbrook: "Any misuse … reported to the Headteacher": the head is in the senior team already; for
  // safeguarding categories the head is told beside the DSL.
  westbrook: {
    cyberbullying: SLT, trolling: SLT, staffMisuse: SLT, disparaging: SLT, pupilContact: 'dsl', indecentImagesOfChildren: 'dsl head',
    inappropriateImages: SLT, radicalisation: 'dsl head', dataBreach: SLT, media: SLT, other: SLT,
  },
  // Newall Green: the Headteacher for everything (8.1: indecent images too), the DSL for Prevent (12.6).
  'newall-green': {
    cyberbullying: SLT, trolling: SLT, staffMisuse: SLT, disparaging: SLT, pupilContact: 'dsl head', indecentImagesOfChildren: 'dsl head',
    inappropriateImages: SLT, radicalisation: 'dsl head', dataBreach: SLT, media: SLT, other: SLT,
  },
  // Wootton: "the Principal or a member of the Senior Leadership" (either will do), the line manager for
  // disparaging content; the baseline drops "either" where it requires the DSL.
  wootton: {
    cyberbullying: SLT, trolling: SLT, staffMisuse: SLT, disparaging: `${SLT} lm`, pupilContact: 'dsl', indecentImagesOfChildren: 'dsl head slt',
    inappropriateImages: SLT, radicalisation: 'dsl head slt', dataBreach: SLT, media: SLT, other: SLT,
  },
  // Moor Nook names no person but "a relevant senior member of staff"; silent on images and Prevent.
  'moor-nook': {
    cyberbullying: SLT, trolling: SLT, staffMisuse: SLT, disparaging: SLT, pupilContact: 'dsl', indecentImagesOfChildren: 'dsl',
    inappropriateImages: SLT, radicalisation: 'dsl', dataBreach: SLT, media: SLT, other: SLT,
  },
  // Beechwood names nobody: only the app's routing and the statutory baseline.
  beechwood: {
    cyberbullying: SLT, trolling: SLT, staffMisuse: SLT, disparaging: SLT, pupilContact: 'dsl', indecentImagesOfChildren: 'dsl',
    inappropriateImages: SLT, radicalisation: 'dsl', dataBreach: SLT, media: SLT, other: SLT,
  },
};

describe("routing from each school's own policy", () => {
  for (const [school, row] of Object.entries(TABLE)) {
    it.each(Object.keys(INCIDENT_CATEGORIES) as IncidentCategory[])(`${school}: %s`, (category) => {
      const got = told(school, { category });
      expect(got.told).toBe(row[category].split(' ').sort().join(' '));
      // Never the reporter's line manager unless the school's policy says so.
      if (!row[category].includes('lm')) expect(got.told).not.toContain('lm');
    });
  }

  it('a data breach: the ICO within 72 hours, and the DPO is nobody in the directory, at every school', () => {
    for (const school of Object.keys(TABLE)) expect(told(school, { category: 'dataBreach' })).toMatchObject({ external: 'ico:72hours', nobody: 'dpo' });
  });

  it('a concern about the head goes to the chair and never the head, whatever the policy names', () => {
    for (const school of Object.keys(TABLE)) {
      for (const category of Object.keys(INCIDENT_CATEGORIES) as IncidentCategory[]) {
        const got = told(school, { category, responsible: 'headteacher' });
        expect(got.told.split(' ')).not.toContain('head');
        expect(got.told.split(' ')).toContain('chair');
      }
    }
  });

  it('Wootton: with no line manager on record, the reporter is told to tell them', () => {
    const a: A = { category: 'disparaging', affected: 'school', responsible: 'parent', pupilAtRisk: 'no' };
    const routing = routeIncident(a, policyRoutes(policyOf('wootton'), a));
    expect(routing.policyTell).toEqual(['lineManager']);
    const r = incidentRecipients(routing, people.map((p) => ({ ...p, lineManager: undefined })), 'staff');
    expect(nobodyToAlert(routing, r)).toEqual(['lineManager']);
  });
});

describe('allegations about a member of staff (KCSIE)', () => {
  const allegation: Partial<A> = { category: 'staffMisuse', responsible: 'staff', affected: 'pupil' };
  it.each(Object.keys(TABLE))('%s: the DSL and the head as case manager, the LADO within one working day', (school) => {
    const got = told(school, allegation);
    expect(got.told.split(' ')).toEqual(expect.arrayContaining(['dsl', 'head']));
    expect(got.told).not.toContain('chair');
    expect(got.external).toBe('lado:oneWorkingDay');
    const a = { ...({ affected: 'me', pupilAtRisk: 'no' } as const), ...allegation } as A;
    expect(routeIncident(a, policyRoutes(policyOf(school), a))).toMatchObject({ allegation: true, queue: 'head', severity: 'high' });
  });

  it('any category counts when a pupil is at risk; not when only a colleague is affected', () => {
    expect(told('beechwood', { category: 'cyberbullying', responsible: 'staff', pupilAtRisk: 'unsure' }).external).toBe('lado:oneWorkingDay');
    expect(told('beechwood', { category: 'staffMisuse', responsible: 'staff', affected: 'colleague' })).toMatchObject({ told: SLT, external: '' });
  });

  it('about the head: the chair, never the head, and still the LADO', () => {
    const a: A = { category: 'staffMisuse', responsible: 'headteacher', affected: 'pupil', pupilAtRisk: 'yes' };
    const routing = routeIncident(a, policyRoutes(policyOf('moor-nook'), a));
    expect(routing.queue).toBe('chair');
    const got = told('moor-nook', a);
    expect(got.told.split(' ')).not.toContain('head');
    expect(got.told.split(' ')).toContain('chair');
  });
});

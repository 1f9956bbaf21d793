import { describe, expect, it } from 'vitest';
import { buildRolloutCard, buildRolloutNoteCard, ROLLOUT_VERBS } from '../../../src/teams/rollout/rollout-cards.js';
import { RULE_IDS, type Rule } from '../../../src/domain/policy/profile.js';
import { expectValidCard } from '../../support/adaptive-card.js';
import { loadProfiles } from '../policy/seeds.js';
import { messageBytes } from '../../../src/domain/message-size.js';

const base = {
  schoolId: 'newall-green',
  version: 2,
  title: 'Please read the policy',
  policyName: 'The school policy: Social Media Policy, version 2',
  changes: ['One change.', 'Another change.'],
  rules: [
    { label: 'Policy §1.1', quote: 'A quoted rule.' },
    { label: 'Policy §2.2', quote: 'Another quoted rule.' },
    { label: 'Policy §3.3', quote: 'A third quoted rule.' },
  ],
  fullTextUrl: 'https://example.test/policy',
  checklist: [],
};

describe('the rollout card', () => {
  it('is a valid Adaptive Card 1.5 with "I have read and understood it" carrying the school and the version as a number', () => {
    const card = buildRolloutCard(base);
    expectValidCard(card.content);
    const actions = card.content.actions as Array<{ type: string; verb?: string; data?: Record<string, unknown>; url?: string }>;
    const ack = actions.find((a) => a.type === 'Action.Execute')!;
    expect(ack).toMatchObject({ verb: ROLLOUT_VERBS.acknowledge, data: { schoolId: 'newall-green', version: 2 } });
    expect(actions.find((a) => a.type === 'Action.OpenUrl')!.url).toBe('https://example.test/policy');
    const text = JSON.stringify(card.content);
    for (const s of ['One change.', 'Another change.', 'Policy §2.2', 'A third quoted rule.']) expect(text).toContain(s);
  });

  it('a new starter\'s card has one required toggle per checklist item, each with its clause', () => {
    const card = buildRolloutCard({ ...base, checklist: [{ text: 'First thing.', label: 'Policy §5.2' }, { text: 'Second thing.', label: 'Policy §5.4' }] });
    expectValidCard(card.content);
    const toggles = (card.content.body as Array<{ type: string; id?: string; isRequired?: boolean; title?: string }>).filter((b) => b.type === 'Input.Toggle');
    expect(toggles.map((t) => t.id)).toEqual(['check0', 'check1']);
    expect(toggles.every((t) => t.isRequired)).toBe(true);
    expect((toggles[1] as { label?: string }).label).toBe('Policy §5.4');
    expect(toggles[1].title).toBe('Second thing.');
  });

  it('once acknowledged, it says so and has no button to press again', () => {
    const card = buildRolloutCard({ ...base, acknowledgedAt: 'Thu 3 Dec, 10:00' });
    expectValidCard(card.content);
    expect(JSON.stringify(card.content)).toMatch(/You confirmed you have read and understood it on Thu 3 Dec, 10:00/);
    expect((card.content.actions as Array<{ type: string }>).some((a) => a.type === 'Action.Execute')).toBe(false);
  });

  it('the note to a line manager names at most the people given and counts the rest', () => {
    const card = buildRolloutNoteCard({ policyName: 'The policy, version 2', count: 14, names: ['A', 'B'], registerUrl: 'https://example.test/tab' });
    expectValidCard(card.content);
    expect(JSON.stringify(card.content)).toMatch(/14 people have had the policy and two reminders/);
  });

  it('with every school\'s real key rules and checklist, the card fits well inside a Teams message', () => {
    for (const p of loadProfiles()) {
      const rules = p.rollout!.keyRules.map((id) => p.rules[id] as Rule).map((r) => ({ label: `x §${r.citation!.clause ?? ''}`, quote: r.citation!.quote }));
      const checklist = (p.rollout!.newStarter ?? []).map((i) => ({ text: i.text, label: `x §${i.citation.clause}` }));
      const card = buildRolloutCard({ ...base, rules, checklist });
      expect(messageBytes({ type: 'message', attachments: [card] }), p.id).toBeLessThan(12_000);
    }
  });
});

describe('each school\'s rollout settings come from its own policy', () => {
  it('the key rules are 3 to 5 rules that the school\'s policy has, each with its clause', () => {
    for (const p of loadProfiles()) {
      const keys = p.rollout!.keyRules;
      expect(keys.length, p.id).toBeGreaterThanOrEqual(3);
      for (const id of keys) {
        expect(RULE_IDS).toContain(id);
        const r = p.rules[id] as Rule;
        expect(r.applies && r.citation, `${p.id} ${id}`).toBeTruthy();
      }
    }
  });

  it('only a school whose policy tells new adults to review their own accounts has a new-starter checklist', () => {
    const withList = loadProfiles().filter((p) => p.rollout?.newStarter?.length).map((p) => p.id);
    expect(withList).toEqual(['newall-green']);
  });
});

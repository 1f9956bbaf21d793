import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { dialogClient, nav, play, say, submit } from '../../support/dialog-harness.js';
import { expectValidCard, TEAMS_DYNAMIC_SEARCH } from '../../support/adaptive-card.js';
import { FakeEvidence } from '../incident/report-dialog-harness.js';
import { ProposePostDialog } from '../../../src/teams/posts/propose-post-dialog.js';
import { postAnswersOf, postStageOf } from '../../../src/domain/posts/post-service.js';
import { setup, staticPolicies, withAccount } from './post-fixtures.js';

async function makeClient(schoolId = 'westbrook', proposer = 'sam') {
  const s = setup(schoolId);
  const accountId = await withAccount(s);
  const evidence = new FakeEvidence();
  const dialog = new ProposePostDialog({ posts: s.svc, consent: s.consent, policies: staticPolicies, evidence, bearer: () => async () => 'token', log: pino({ level: 'silent' }) });
  const member = s.who(proposer);
  const client = dialogClient({ proposePost: dialog }, 'proposePost', { tenantId: 't', aadObjectId: member.aadObjectId, school: s.school, member });
  return { ...s, accountId, evidence, client };
}

const compose = (accountId: string, text: string, pupils: string) => submit({ verb: 'proposePost', step: 'compose', action: 'next', accountId, text, pupils });
const done = submit({ verb: 'proposePost', step: 'photos', action: 'done' });
const photo = (name: string) => ({ type: 'message', attachments: [{ contentType: 'image/png', contentUrl: `https://smba.example/${name}`, name }] });

describe('ProposePostDialog', () => {
  it('Westbrook: account, text and pupils; a photo in the chat; the policy\'s checks with their clauses; the head is asked', async () => {
    const { client, accountId, cases, evidence } = await makeClient();
    await play(client, [
      ['propose a post', ['Propose a post (1 of 3)', 'School news (Facebook)', '"dataset":"pupils.westbrook"']],
      [compose(accountId, 'Year 4 at the science fair, well done Ava!', 'p1'), ['the photos', 'Photos received so far: 0']],
      [photo('fair.png'), 'Photo 1 received'],
      [done, ['your school\'s checks', 'Westbrook policy, “Photographs for use of Social Media”', 'Westbrook policy §3', 'positive and relevant', '"id":"check_posts_devices"', '"id":"check_images_names"']],
      [submit({ verb: 'proposePost', step: 'checks', action: 'next', check_posts_devices: 'yes', check_images_names: 'no', check_posts_content: 'yes' }), ['Not yet:', 'identifies a child', 'Westbrook policy §2']],
      [submit({ verb: 'proposePost', step: 'checks', action: 'next', check_posts_devices: 'yes', check_images_names: 'yes', check_posts_content: 'yes' }), ['Check your post', 'Ava Brown (Year 4)', 'the Headteacher', 'Westbrook policy §5']],
      [submit({ verb: 'proposePost', step: 'summary', action: 'confirm' }), ['Sent to the Headteacher', 'SM-']],
    ]);
    const c = (await cases.bySubmission('westbrook', [...evidence.drafts.keys()][0]))!;
    expect(postAnswersOf(c).namedInText).toEqual(['p1']);
    expect(postStageOf(c).approvers.map((p) => p.name)).toEqual(['Helen Carter']);
    expect((await cases.get('westbrook', c.id))!.evidence.map((v) => v.originalName)).toEqual(['fair.png']);
    expect(evidence.submitted.size).toBe(1);
  });

  it('says exactly which pupil blocks the post and why, before anything is sent', async () => {
    const { client, accountId, cases } = await makeClient();
    await say(client, 'propose a post');
    const got = await say(client, compose(accountId, 'Well done Ben and Cara', 'p2,p3,p4,nobody'));
    for (const line of ['This post cannot be sent as it is:', 'Ben Clarke is named in the text, without consent for names.', 'Cara Doyle has no consent for Facebook.', 'Dan Evans is on the do-not-publish list.', 'A pupil not in the register is not in the photo-consent register.', 'Westbrook policy §1']) {
      expect(got).toContain(line);
    }
    expect(got).toContain('Propose a post (1 of 3)');
    expect((await cases.listOpen('westbrook')).items.filter((c) => c.kind === 'postProposal')).toEqual([]);
  });

  it('a school whose policy has no device or names check asks only what it has (Beechwood), and the account\'s administrators confirm', async () => {
    const { client, accountId } = await makeClient('beechwood');
    await play(client, [
      ['propose a post', 'Propose a post (1 of 3)'],
      [compose(accountId, 'Sports day', 'p1'), 'the photos'],
      [done, ['Beechwood policy §8', 'worthwhile and accurate', '!check_posts_devices', '!check_images_names']],
      [submit({ verb: 'proposePost', step: 'checks', action: 'next', check_posts_content: 'yes' }), ['Check your post', 'does not say who confirms', "the account's administrators"]],
    ]);
  });

  it('back and cancel work at every step; cancel discards the photos', async () => {
    const { client, accountId, evidence } = await makeClient();
    await play(client, [
      ['propose a post', 'Propose a post (1 of 3)'],
      [compose(accountId, 'Choir', ''), 'the photos'],
      [photo('choir.png'), 'Photo 1 received'],
      [nav('back'), 'Propose a post (1 of 3)'],
      [nav('cancel'), 'Cancelled. Nothing was saved.'],
    ]);
    expect(evidence.records).toEqual([]);
  });

  it('every card of the flow is a valid Adaptive Card 1.5 and small', async () => {
    const { client, accountId } = await makeClient();
    for (const input of ['propose a post', compose(accountId, 'Choir', 'p1'), done]) {
      const got = await say(client, input as never);
      const card = JSON.parse(got.slice(got.indexOf('{')));
      expectValidCard(card, [TEAMS_DYNAMIC_SEARCH]);
      expect(got.length).toBeLessThan(20_000);
    }
  });
});

describe('a pupil named in the text but not listed', () => {
  it('is caught by full name, so that their consent is checked too', async () => {
    const { client, accountId } = await makeClient();
    await say(client, 'propose a post');
    const got = await say(client, compose(accountId, 'Congratulations to Ben Clarke and Ava', 'p1'));
    expect(got).toContain('Ben Clarke (Year 4) is named in the text: add them to the pupils in the post');
    expect(got).toContain('Propose a post (1 of 3)');
  });
});

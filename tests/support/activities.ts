import { randomUUID } from 'node:crypto';

export const TENANT = '00000000-0000-4000-8000-00000000a001';
/** The seeded people of Westbrook Primary (config/schools.seed.json). */
export const PEOPLE = {
  staff: { aad: '00000000-0000-4000-8000-000000000001', name: 'Sam Taylor' },
  head: { aad: '00000000-0000-4000-8000-000000000002', name: 'Helen Carter' },
  dsl: { aad: '00000000-0000-4000-8000-000000000003', name: 'Dev Patel' },
  deputy: { aad: '00000000-0000-4000-8000-000000000004', name: 'Rachel Moore' },
  chair: { aad: '00000000-0000-4000-8000-000000000005', name: 'George Wilson' },
  teacher2: { aad: '00000000-0000-4000-8000-000000000006', name: 'Priya Shah' },
} as const;
export type Person = { aad: string; name: string };

export const BOT = { id: '28:safer-social-bot', name: 'Safer Social' };

/** Teams-shaped activity in a person's 1:1 chat with the bot. */
export function makeActivity(person: Person, serviceUrl: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${person.aad}`, name: person.name, aadObjectId: person.aad },
    recipient: BOT,
    conversation: { id: `a:personal-${person.aad}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'en-GB',
    ...extra,
  };
}

export const makeMessage = (person: Person, serviceUrl: string, text: string, extra: Record<string, unknown> = {}) =>
  makeActivity(person, serviceUrl, { text, textFormat: 'plain', ...extra });

export const makeSubmit = (person: Person, serviceUrl: string, value: Record<string, unknown>) =>
  makeActivity(person, serviceUrl, { value });

export const makeInstall = (person: Person, serviceUrl: string) =>
  makeActivity(person, serviceUrl, { type: 'installationUpdate', action: 'add' });

export const makeInvoke = (person: Person, serviceUrl: string, verb: string, data: Record<string, unknown>) =>
  makeActivity(person, serviceUrl, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });

export const conversationOf = (person: Person) => `a:personal-${person.aad}`;

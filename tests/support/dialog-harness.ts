import { expect } from 'vitest';
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { RootDialog, type FlowRegistry } from '../../src/teams/root-dialog.js';
import { setActor, type Actor } from '../../src/teams/turn-context-keys.js';

/** A dialog test client over the root dialog (so cancel and help behave as in the bot), acting as `actor`. */
export function dialogClient(flows: FlowRegistry, command: string | undefined, actor: Actor, root?: { policies?: ConstructorParameters<typeof RootDialog>[1]; ask?: ConstructorParameters<typeof RootDialog>[2] }): DialogTestClient {
  const withActor: Middleware = {
    onTurn: async (ctx: TurnContext, next: () => Promise<void>) => {
      setActor(ctx, actor);
      await next();
    },
  };
  return new DialogTestClient('msteams', new RootDialog(flows, root?.policies, root?.ask), { command }, [withActor]);
}

export type Say = string | Partial<Activity>;

/** Everything the bot answered to one message, as searchable text (message text and card JSON). */
export async function say(client: DialogTestClient, input: Say): Promise<string> {
  const out: string[] = [];
  let reply: Partial<Activity> | undefined = await client.sendActivity(input as never);
  while (reply) {
    if (reply.type !== 'typing') {
      if (reply.text) out.push(reply.text);
      for (const a of reply.attachments ?? []) out.push(JSON.stringify(a.content));
    }
    reply = client.getNextReply();
  }
  return out.join('\n');
}

export const submit = (value: Record<string, unknown>): Partial<Activity> => ({ type: 'message', value });
export const nav = (n: 'back' | 'cancel') => submit({ verb: 'nav', nav: n });

/** A table of turns: [what the user says, what the bot's answer contains]; a leading "!" means "does not contain". */
export type Turn = [Say, string | string[]];

export async function play(client: DialogTestClient, turns: Turn[]): Promise<void> {
  for (const [i, [input, expected]] of turns.entries()) {
    const got = await say(client, input);
    const where = `turn ${i + 1} (${typeof input === 'string' ? input : JSON.stringify(input.value ?? input.attachments?.[0]?.contentUrl)})`;
    for (const e of ([] as string[]).concat(expected)) {
      if (e.startsWith('!')) expect(got, where).not.toContain(e.slice(1));
      else expect(got, where).toContain(e);
    }
  }
}

import type { TurnContext } from 'botbuilder';
import type { Member, School } from '../domain/directory/directory.js';

/** Who is acting in this turn, resolved by the bot before any dialog runs. */
export interface Actor {
  tenantId: string;
  aadObjectId: string;
  school: School;
  member: Member;
}

const ACTOR = Symbol('actor');

export function setActor(ctx: TurnContext, actor: Actor): void {
  ctx.turnState.set(ACTOR, actor);
}

export function getActor(ctx: TurnContext): Actor {
  const a = ctx.turnState.get(ACTOR) as Actor | undefined;
  if (!a) throw new Error('actor not resolved for this turn');
  return a;
}

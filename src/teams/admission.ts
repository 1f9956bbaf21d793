import type { Activity } from 'botbuilder';

/** Where an activity comes from, as far as deciding whether to act on it at all. */
export type TenantCheck = { ok: true; tenantId: string } | { ok: false; tenantId: string };

/**
 * Act only on Teams activities from a tenant this deployment serves (its schools' tenants). Teams gives
 * the tenant in two places; when both are present they must agree.
 */
/** The sender's tenant as Teams gives it (channel data first, as Teams documents it there). */
export function tenantOf(a: Pick<Activity, 'conversation' | 'channelData'>): string {
  const id = (a.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  return (typeof id === 'string' && id ? id : typeof a.conversation?.tenantId === 'string' ? a.conversation.tenantId : '').slice(0, 64);
}

export function checkTenant(a: Pick<Activity, 'channelId' | 'conversation' | 'channelData'>, tenants: ReadonlySet<string>): TenantCheck {
  const fromChannelData = (a.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const fromConversation = a.conversation?.tenantId;
  const ids = [fromChannelData, fromConversation].filter((t): t is string => typeof t === 'string' && t.length > 0);
  const tenantId = (ids[0] ?? '').slice(0, 64);
  const ok = a.channelId === 'msteams' && ids.length > 0 && ids.every((t) => t === ids[0]) && tenants.has(ids[0]);
  return { ok, tenantId };
}

/**
 * A 1:1 chat with the bot. Teams marks it "personal"; the Agents Playground leaves the type out of a 1:1
 * chat and marks channels and group chats (with `isGroup`), so no type and not a group is a 1:1 chat too.
 */
export function isPersonalChat(a: Pick<Activity, 'conversation'>): boolean {
  const c = a.conversation;
  if (!c) return false;
  return c.conversationType === 'personal' || (!c.conversationType && !c.isGroup);
}

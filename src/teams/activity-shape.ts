import { ActivityTypes } from 'botbuilder';

/** Inbound activity types a channel may send us; `invokeResponse` and `trace` only ever go the other way. */
const INBOUND_TYPES = new Set<string>(Object.values(ActivityTypes).filter((t) => t !== ActivityTypes.InvokeResponse && t !== ActivityTypes.Trace));

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isText = (v: unknown, max = 2048): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/**
 * What is wrong with a request body that claims to be a Bot Framework activity, or undefined when its shape
 * is usable. Teams always sends these fields with these types; anything else is refused before a turn
 * starts, so a malformed body is a 400, not a failed turn (the SDK would throw on it half-way, too late to
 * answer with a status, and with nowhere to send an apology).
 */
export function activityShapeProblem(body: unknown): string | undefined {
  if (!isObject(body) || typeof body.type !== 'string') return 'Expected a Bot Framework activity (JSON object with a "type").';
  if (!INBOUND_TYPES.has(body.type)) return 'Unknown activity type.';
  if (!isText(body.serviceUrl) || !/^https?:\/\//i.test(body.serviceUrl)) return 'serviceUrl: an http(s) URL is required.';
  if (!isText(body.channelId, 64)) return 'channelId: required.';
  if (!isObject(body.conversation) || !isText(body.conversation.id)) return 'conversation.id: required.';
  if (!isObject(body.from) || !isText(body.from.id, 512)) return 'from.id: required.';
  if (!isObject(body.recipient) || !isText(body.recipient.id, 512)) return 'recipient.id: required.';
  if (body.text !== undefined && body.text !== null && typeof body.text !== 'string') return 'text: must be a string.';
  if (body.attachments !== undefined && body.attachments !== null && (!Array.isArray(body.attachments) || !body.attachments.every(isObject))) {
    return 'attachments: must be a list of objects.';
  }
  if (body.channelData !== undefined && body.channelData !== null && !isObject(body.channelData)) return 'channelData: must be an object.';
  if (body.type === ActivityTypes.Invoke && (!isText(body.name, 256) || (body.value !== undefined && body.value !== null && !isObject(body.value)))) {
    return 'invoke: a name and an object value are required.';
  }
  // The SDK reads value.action.type of a card action without checking it is there.
  if (body.type === ActivityTypes.Invoke && body.name === 'adaptiveCard/action' && !isObject((body.value as { action?: unknown } | undefined)?.action)) {
    return 'adaptiveCard/action: value.action is required.';
  }
  return undefined;
}

/**
 * The largest message the bot sends to Teams, as JSON bytes of the whole outgoing activity (envelope,
 * text and every attachment). Microsoft has documented the limit variously (about 28 KB in the Bot
 * Connector's answers, later 40 KB and 100 KB counted as UTF-16); a bot message over it is refused with
 * HTTP 413 (MessageSizeTooBig). 28 KB of UTF-8 JSON is under every one of them for the plain-English
 * cards this app sends, so it is the one limit used everywhere: the send guards and the tests.
 */
export const TEAMS_MAX_MESSAGE_BYTES = 28 * 1024;

/** Serialised size of an outgoing activity, in bytes of UTF-8 JSON. */
export function messageBytes(activity: unknown): number {
  return Buffer.byteLength(JSON.stringify(activity) ?? '', 'utf8');
}

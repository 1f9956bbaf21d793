import { cardShell, renderCard, type CardAttachment } from './card.js';

const POINTER_TEXT = 'Reports, requests and declarations are private, so Safer Social takes them only in your own 1:1 chat with it, never here.';

const template = cardShell(
  [{ type: 'TextBlock', text: POINTER_TEXT, wrap: true }],
  [{ type: 'Action.OpenUrl', title: 'Open my chat with Safer Social', url: '${url}' }],
);

/**
 * The one reply in a channel or group chat: where to go instead. With a link to the 1:1 chat when the
 * bot's app id is known; otherwise plain text that says where to find it.
 */
export function buildPersonalChatPointer(chatUrl: string | undefined): { text?: string; attachments?: CardAttachment[] } {
  if (!chatUrl) return { text: `${POINTER_TEXT} Open Safer Social from Apps in Teams and type "help".` };
  return { attachments: [renderCard(template, { url: chatUrl })] };
}

/** Teams deep link that opens (or starts) a person's 1:1 chat with the bot. */
export function personalChatUrl(botAppId: string): string | undefined {
  return botAppId ? `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(`28:${botAppId}`)}` : undefined;
}

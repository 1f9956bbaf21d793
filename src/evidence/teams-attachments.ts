import type { Activity, TurnContext } from 'botbuilder';
import type { AppConfig } from '../config.js';
import { devAttachmentBearer } from './bearer.js';
import type { IncomingImage } from './evidence-service.js';

export const TEAMS_FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

/**
 * The screenshots in a Teams message, as plain data. Teams sends a pasted image twice: as an `image/*`
 * attachment (contentUrl on the Bot Connector, needs the bot's token) and as a `text/html` twin with an
 * <img> pointing at the same picture; the twin is ignored. A file sent with the paperclip arrives as
 * `file.download.info` with a pre-authorised `downloadUrl`. Anything else is reported as not an image.
 */
export function incomingImages(activity: Pick<Activity, 'attachments'>): { images: IncomingImage[]; other: string[] } {
  const images: IncomingImage[] = [];
  const other: string[] = [];
  for (const a of activity.attachments ?? []) {
    const type = (a.contentType ?? '').toLowerCase();
    if (type === 'text/html' || type === 'application/vnd.microsoft.card.adaptive') continue;
    if (type.startsWith('image/') && a.contentUrl) {
      images.push({ url: a.contentUrl, originalName: a.name ?? 'pasted image', shape: 'inline' });
    } else if (type === TEAMS_FILE_DOWNLOAD_INFO) {
      const url = (a.content as { downloadUrl?: unknown } | undefined)?.downloadUrl;
      if (typeof url === 'string') images.push({ url, originalName: a.name ?? 'file', shape: 'file' });
      else other.push(a.name ?? 'file');
    } else {
      other.push(a.name ?? 'attachment');
    }
  }
  return { images, other };
}

/** True when a message carries anything that looks like a picture or a file. */
export function hasAttachments(activity: Pick<Activity, 'attachments'>): boolean {
  const { images, other } = incomingImages(activity);
  return images.length + other.length > 0;
}

/**
 * The bearer token for attachment downloads. In production: the bot's own token (the credentials the
 * adapter's connector client uses for this conversation). In development without an app id: the
 * development token (see bearer.ts) that the local connector stand-in checks.
 */
export function attachmentBearer(ctx: TurnContext, config: Pick<AppConfig, 'bot' | 'linkSigningSecret'>): () => Promise<string> {
  if (!config.bot.appId) return async () => devAttachmentBearer(config.linkSigningSecret);
  return async () => {
    const client = ctx.turnState.get(ctx.adapter.ConnectorClientKey) as { credentials?: { getToken?: (force?: boolean) => Promise<string> } } | undefined;
    const getToken = client?.credentials?.getToken;
    if (typeof getToken !== 'function') throw new Error('no bot credentials available for this turn');
    return getToken.call(client!.credentials);
  };
}

import { createHmac } from 'node:crypto';

/**
 * Development only (no bot app id): the bearer token sent with attachment downloads to the hosts in
 * ATTACHMENT_ALLOWED_HOSTS, so that a local stand-in for the Bot Connector can check that downloads are
 * authorised the way Teams checks the bot's real token in production. It is
 * base64url(HMAC-SHA256(LINK_SIGNING_SECRET, "safer-social:dev-attachment-bearer")).
 */
export function devAttachmentBearer(linkSigningSecret: string): string {
  return createHmac('sha256', linkSigningSecret).update('safer-social:dev-attachment-bearer').digest('base64url');
}

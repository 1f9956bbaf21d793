/**
 * Where evidence may be downloaded from. Teams gives the bot two shapes of attachment: an inline image
 * whose `contentUrl` is on the Bot Connector attachment service (needs the bot's bearer token), and a
 * file whose `downloadUrl` is a short-lived pre-authorised SharePoint/OneDrive link (no token; sending the
 * bot's token there would leak it). Any other URL is refused and never fetched.
 */

export type BearerKind = 'bot' | 'none';

export interface HostRule {
  /** Exact host, or `*.suffix` for any subdomain of suffix (never the bare suffix). */
  pattern: string;
  bearer: BearerKind;
}

/** Attachment hosts of Teams and the Bot Framework (public cloud and GCC). */
export const TEAMS_ATTACHMENT_HOSTS: readonly HostRule[] = [
  // Bot Connector attachment service: https://smba.trafficmanager.net/<region>/v3/attachments/<id>/views/original
  { pattern: 'smba.trafficmanager.net', bearer: 'bot' },
  // GCC connector (smba.infra.gcc.teams.microsoft.com) and other Teams service hosts
  { pattern: '*.teams.microsoft.com', bearer: 'bot' },
  // Bot Framework channels (Web Chat, Emulator attachments)
  { pattern: '*.botframework.com', bearer: 'bot' },
  // Teams media store (the <img> twin of an inline image: *-api.asm.skype.com/v1/objects/<id>/views/imgo)
  { pattern: '*.asm.skype.com', bearer: 'bot' },
  // Files sent through the paperclip: downloadUrl on <tenant>.sharepoint.com / <tenant>-my.sharepoint.com
  { pattern: '*.sharepoint.com', bearer: 'none' },
];

export interface AllowListOptions {
  production: boolean;
  /** Development only: `host:port` (or bare host, meaning the default port) the bot may also download from. */
  devHosts: readonly string[];
}

export type UrlCheck =
  | { ok: true; url: URL; bearer: BearerKind }
  | { ok: false; reason: 'malformed' | 'scheme' | 'credentials' | 'forbiddenAddress' | 'notAllowed' };

const defaultPort = (protocol: string) => (protocol === 'https:' ? '443' : '80');

function hostMatches(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1); // ".example.com"
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return host === pattern;
}

/** IPv4 dotted quad → number, or undefined. */
function ipv4(host: string): number | undefined {
  const m = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

const inRange = (ip: number, base: string, bits: number) => {
  const b = ipv4(base)!;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((ip & mask) >>> 0) === ((b & mask) >>> 0);
};

/**
 * IP literals that must never be fetched whatever the configuration says: link-local (cloud metadata
 * services live at 169.254.169.254), "this network", multicast/reserved, and the IPv6 equivalents.
 */
export function isForbiddenAddress(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const v4 = ipv4(h);
  if (v4 !== undefined) {
    return (
      inRange(v4, '169.254.0.0', 16) || // link-local, cloud metadata
      inRange(v4, '0.0.0.0', 8) ||
      inRange(v4, '100.100.100.200', 32) || // Alibaba metadata
      inRange(v4, '224.0.0.0', 3) // multicast and reserved
    );
  }
  if (h.includes(':')) {
    if (/^fe[89ab]/.test(h)) return true; // fe80::/10 link-local
    if (h === '::' || h.startsWith('ff')) return true;
    if (h.startsWith('fd00:ec2:')) return true; // AWS metadata over IPv6
    const mapped = h.match(/^::ffff:(.+)$/);
    if (mapped) {
      const inner = mapped[1].includes('.') ? mapped[1] : hexPairToV4(mapped[1]);
      return inner ? isForbiddenAddress(inner) : true;
    }
  }
  return false;
}

function hexPairToV4(s: string): string | undefined {
  const m = s.match(/^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (!m) return undefined;
  const a = parseInt(m[1], 16);
  const b = parseInt(m[2], 16);
  return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
}

const isIpLiteral = (host: string) => ipv4(host) !== undefined || host.startsWith('[') || host.includes(':');

/** Decide whether a URL may be fetched as evidence, and whether the bot's token may go with it. */
export function checkDownloadUrl(raw: string, opts: AllowListOptions): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'scheme' };
  if (url.username || url.password) return { ok: false, reason: 'credentials' };
  const host = url.hostname.toLowerCase();
  if (!host || host.endsWith('.')) return { ok: false, reason: 'malformed' };
  if (isForbiddenAddress(host)) return { ok: false, reason: 'forbiddenAddress' };
  const port = url.port || defaultPort(url.protocol);

  if (!opts.production) {
    for (const entry of opts.devHosts) {
      const [h, p] = splitHostPort(entry.toLowerCase());
      if (h === host.replace(/^\[|\]$/g, '') && (p ?? defaultPort(url.protocol)) === port) return { ok: true, url, bearer: 'bot' };
    }
  }
  // Teams hosts: https on the default port only, names not IP literals.
  if (url.protocol !== 'https:' || port !== '443' || isIpLiteral(host)) return { ok: false, reason: 'notAllowed' };
  const rule = TEAMS_ATTACHMENT_HOSTS.find((r) => hostMatches(host, r.pattern));
  return rule ? { ok: true, url, bearer: rule.bearer } : { ok: false, reason: 'notAllowed' };
}

function splitHostPort(entry: string): [string, string | undefined] {
  const v6 = entry.match(/^\[([^\]]+)\](?::(\d+))?$/);
  if (v6) return [v6[1], v6[2]];
  const i = entry.lastIndexOf(':');
  if (i > 0 && entry.indexOf(':') === i) return [entry.slice(0, i), entry.slice(i + 1)];
  return [entry, undefined];
}

/** Plain-English reason for the reporter, per refusal. */
export const URL_REFUSAL_TEXT: Record<Exclude<UrlCheck, { ok: true }>['reason'], string> = {
  malformed: 'its link was not valid',
  scheme: 'its link was not a web link',
  credentials: 'its link was not from Teams',
  forbiddenAddress: 'its link was not from Teams',
  notAllowed: 'it did not come from Teams, so it was not downloaded',
};

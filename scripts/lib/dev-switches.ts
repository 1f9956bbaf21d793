import { reachableFromOutside } from '../../src/config.js';

export const DANGEROUS_SWITCHES = ['DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS', 'DANGEROUSLY_ENABLE_DEV_SIGN_IN'] as const;

export class DevSwitchError extends Error {}

export type DevMode =
  /** Everything on this machine: the chat client has no token and the tab no Teams, so both switches go on. */
  | { local: true; switches: Record<(typeof DANGEROUS_SWITCHES)[number], string> }
  /** A Teams setup through a tunnel (a bot registration or a public address is set): real sign-in, switches off. */
  | { local: false; because: 'MicrosoftAppId' | 'PUBLIC_BASE_URL'; switches: Record<string, never> };

/**
 * Which development switches `npm run dev` may turn on, given the server's environment (.env over the
 * process environment). A setup reachable from outside this machine gets none, and asking for one there
 * explicitly is refused: through a tunnel they would let anyone sign in as anyone.
 */
export function devMode(env: Record<string, string | undefined>): DevMode {
  const set = (v: string | undefined) => (v ? v : undefined);
  const because = reachableFromOutside({ MicrosoftAppId: set(env.MicrosoftAppId), PUBLIC_BASE_URL: set(env.PUBLIC_BASE_URL) });
  if (!because) return { local: true, switches: { DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS: 'true', DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true' } };
  const asked = DANGEROUS_SWITCHES.filter((s) => env[s] === 'true' || env[s] === '1');
  if (asked.length) {
    throw new DevSwitchError(
      `${asked.join(' and ')} cannot be on while ${because} is set (in .env or the environment): that setup is reachable ` +
        'from outside this machine, and through a tunnel the switch would let anyone in. Remove the switch to debug in ' +
        `Teams with real sign-in, or remove ${because} to work on this machine only (docs/deploy.md, "Local debugging in Teams").`,
    );
  }
  return { local: false, because, switches: {} };
}

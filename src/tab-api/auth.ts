import { SignJWT, createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AppConfig } from '../config.js';

/** Issuer of the locally signed development tokens. Refused outright unless dev sign-in is on. */
export const DEV_ISSUER = 'safer-social-dev';
export const DEV_AUDIENCE = 'safer-social-tab';
const DEV_TOKEN_SECONDS = 8 * 60 * 60;
/** The delegated scope the tab's Entra app exposes (infra/aad.manifest.json) and Teams SSO tokens carry. */
export const TAB_SCOPE = 'access_as_user';

export interface Caller {
  /** Entra object id: the key of a person in the school directory. */
  oid: string;
  via: 'sso' | 'dev';
}

export class AuthError extends Error {
  readonly code = 'UNAUTHENTICATED';
}

export interface TokenVerifier {
  verify(authorization: string | undefined): Promise<Caller>;
  /** Development sign-in only; throws when it is off. */
  issueDevToken(oid: string): Promise<string>;
}

/**
 * Verifies the bearer token the tab sends: an Entra ID token from Teams SSO (v1 or v2 issuer of the
 * school's tenant, our app as audience, signed by a key from the tenant's key set), or, in development
 * only, a token this server signed itself. `getKey` is injectable so tests never reach Microsoft.
 */
export function createTokenVerifier(config: AppConfig, getKey?: JWTVerifyGetKey): TokenVerifier {
  const sso = config.sso;
  const keys = getKey ?? createRemoteJWKSet(new URL(sso.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  const audiences = [sso.appIdUri, sso.clientId].filter(Boolean);
  const issuers = sso.tenantId ? [`https://login.microsoftonline.com/${sso.tenantId}/v2.0`, `https://sts.windows.net/${sso.tenantId}/`] : [];
  const devKey = new TextEncoder().encode(config.linkSigningSecret);
  const devEnabled = config.dangerouslyEnableDevSignIn && config.env !== 'production';

  async function verifySso(token: string): Promise<Caller> {
    if (!audiences.length || !issuers.length) throw new AuthError('single sign-on is not configured');
    const { payload } = await jwtVerify(token, keys, {
      issuer: issuers,
      audience: audiences,
      algorithms: ['RS256'],
      clockTolerance: 60,
      requiredClaims: ['exp', 'oid', 'tid'],
    });
    if (payload.tid !== sso.tenantId) throw new AuthError('token is for another tenant');
    // Only a person's delegated token for the tab's scope: an app-only token (client credentials) carries
    // an oid too, the service principal's, and must not pass as a person.
    if (payload.idtyp === 'app') throw new AuthError('token is not a user token');
    if (typeof payload.scp !== 'string' || !payload.scp.split(' ').includes(TAB_SCOPE)) throw new AuthError(`token does not grant ${TAB_SCOPE}`);
    return { oid: oidOf(payload), via: 'sso' };
  }

  async function verifyDev(token: string): Promise<Caller> {
    if (!devEnabled) throw new AuthError('development sign-in is not available');
    const { payload } = await jwtVerify(token, devKey, {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'oid'],
    });
    return { oid: oidOf(payload), via: 'dev' };
  }

  return {
    async verify(authorization) {
      const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization ?? '');
      if (!m) throw new AuthError('a bearer token is required');
      const token = m[1];
      let iss: unknown;
      try {
        iss = decodeJwt(token).iss;
      } catch {
        throw new AuthError('malformed token');
      }
      try {
        return iss === DEV_ISSUER ? await verifyDev(token) : await verifySso(token);
      } catch (e) {
        if (e instanceof AuthError) throw e;
        if (e instanceof joseErrors.JOSEError) throw new AuthError(describe(e));
        throw e;
      }
    },
    async issueDevToken(oid) {
      if (!devEnabled) throw new AuthError('development sign-in is not available');
      return new SignJWT({ oid, tid: sso.tenantId || 'development' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(oid)
        .setIssuedAt()
        .setExpirationTime(`${DEV_TOKEN_SECONDS}s`)
        .sign(devKey);
    },
  };
}

function oidOf(p: JWTPayload): string {
  const oid = p.oid;
  if (typeof oid !== 'string' || !/^[0-9a-fA-F-]{10,64}$/.test(oid)) throw new AuthError('token has no valid oid');
  return oid;
}

/** Our own words for why a token failed: never echo library text that may quote the token. */
function describe(e: InstanceType<typeof joseErrors.JOSEError>): string {
  if (e instanceof joseErrors.JWTExpired) return 'token expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `token ${e.claim} is not accepted`;
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is not valid';
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'token signing key is not known';
  return 'token is not valid';
}

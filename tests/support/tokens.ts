import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const APP_ID_URI = `api://localhost/${CLIENT_ID}`;
export const OTHER_TENANT = '99999999-0000-4000-8000-000000000099';
export const DEV_SECRET = 'development-only-link-signing-secret-not-for-production';

export interface SsoOptions {
  tid?: string;
  aud?: string;
  iss?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Sign with a key the JWKS does not hold, under the good key's kid. */
  forge?: boolean;
  kid?: string;
  /** Claims to add or replace (undefined removes one), e.g. `{ scp: undefined, idtyp: 'app' }`. */
  claims?: Record<string, unknown>;
}

/** A stand-in for the tenant's Entra key set on loopback, and a minter of tokens signed by it. */
export class JwksStub {
  private server?: http.Server;
  private good!: { privateKey: CryptoKey; jwk: JWK };
  private other!: CryptoKey;
  url = '';
  requests = 0;

  constructor(readonly tenant: string) {}

  async start(): Promise<this> {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
    this.good = { privateKey: pair.privateKey, jwk };
    this.other = (await generateKeyPair('RS256')).privateKey;
    this.server = http.createServer((_req, res) => {
      this.requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [this.good.jwk] }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/discovery/v2.0/keys`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** An Entra-shaped access token for our API (v2 issuer and client-id audience unless told otherwise). */
  async sso(oid: string, o: SsoOptions = {}): Promise<string> {
    const tid = o.tid ?? this.tenant;
    const now = Math.floor(Date.now() / 1000);
    const claims = Object.fromEntries(Object.entries({ oid, tid, scp: 'access_as_user', ver: '2.0', ...o.claims }).filter(([, v]) => v !== undefined));
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? 'test-key-1', typ: 'JWT' })
      .setIssuer(o.iss ?? `https://login.microsoftonline.com/${tid}/v2.0`)
      .setAudience(o.aud ?? CLIENT_ID)
      .setSubject(`sub-${oid}`)
      .setIssuedAt(now - 60)
      .setNotBefore(now - 60)
      .setExpirationTime(now + (o.expiresIn ?? 3600))
      .sign(o.forge ? this.other : this.good.privateKey);
  }
}

/** A development-sign-in token as the server would issue it (HS256, issuer safer-social-dev). */
export async function devToken(oid: string, secret = DEV_SECRET, expiresIn = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ oid, tid: 'development' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('safer-social-dev')
    .setAudience('safer-social-tab')
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(new TextEncoder().encode(secret));
}

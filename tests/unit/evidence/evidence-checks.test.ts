import { describe, expect, it } from 'vitest';
import { sniffImageType } from '../../../src/domain/evidence/sniff.js';
import { checkDownloadUrl, isForbiddenAddress } from '../../../src/domain/evidence/allow-list.js';
import { parseUploadToken, signUploadGrant, verifyUploadGrant } from '../../../src/evidence/upload-link.js';
import { devAttachmentBearer } from '../../../src/evidence/bearer.js';
import { incomingImages } from '../../../src/evidence/teams-attachments.js';

const bytes = (...parts: Array<number[] | string>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('image sniffing: the real type from the first bytes', () => {
  it.each([
    ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13]), 'image/png'],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image/jpeg'],
    ['GIF87a', bytes('GIF87a', [1, 0]), 'image/gif'],
    ['GIF89a', bytes('GIF89a', [1, 0]), 'image/gif'],
    ['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['HEIC', bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0]), 'image/heic'],
    ['HEIF mif1', bytes([0, 0, 0, 0x18], 'ftypmif1', [0, 0, 0, 0]), 'image/heic'],
    ['text renamed .png', bytes('hello, this is not a picture'), undefined],
    ['PDF', bytes('%PDF-1.7\n%âãÏÓ'), undefined],
    ['HTML', bytes('<!doctype html><html>'), undefined],
    ['SVG (script-capable, refused)', bytes('<svg xmlns="http://www.w3.org/2000/svg">'), undefined],
    ['MP4 (ftyp but not HEIC)', bytes([0, 0, 0, 0x18], 'ftypisom', [0, 0, 0, 0]), undefined],
    ['AVI (RIFF but not WebP)', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'), undefined],
    ['truncated PNG', bytes([0x89], 'PN'), undefined],
    ['empty', bytes([]), undefined],
  ])('%s', (_name, head, expected) => {
    expect(sniffImageType(head)).toBe(expected);
  });
});

describe('download allow-list', () => {
  const prod = { production: true, devHosts: ['127.0.0.1:4000'] };
  const dev = { production: false, devHosts: ['127.0.0.1:4000', 'localhost:5000', '169.254.169.254:80', '[::1]:4001'] };
  // [url, options, allowed, bearer or reason]
  const TABLE: Array<[string, typeof prod, boolean, string]> = [
    ['https://smba.trafficmanager.net/emea/v3/attachments/0-weu-d8-x/views/original', prod, true, 'bot'],
    ['https://smba.infra.gcc.teams.microsoft.com/gcc/v3/attachments/x/views/original', prod, true, 'bot'],
    ['https://us-api.asm.skype.com/v1/objects/0-eus-d4-x/views/imgo', prod, true, 'bot'],
    ['https://webchat.botframework.com/attachments/x', prod, true, 'bot'],
    ['https://contoso.sharepoint.com/personal/x/_layouts/15/download.aspx?UniqueId=1&tempauth=x', prod, true, 'none'],
    ['https://contoso-my.sharepoint.com/x', prod, true, 'none'],
    ['http://smba.trafficmanager.net/emea/v3/attachments/x', prod, false, 'notAllowed'],
    ['https://smba.trafficmanager.net:8443/x', prod, false, 'notAllowed'],
    ['https://sharepoint.com/x', prod, false, 'notAllowed'],
    ['https://evilsharepoint.com/x', prod, false, 'notAllowed'],
    ['https://sharepoint.com.evil.example/x', prod, false, 'notAllowed'],
    ['https://smba.trafficmanager.net.evil.example/x', prod, false, 'notAllowed'],
    ['https://user:pass@smba.trafficmanager.net/x', prod, false, 'credentials'],
    ['https://example.com/cat.png', prod, false, 'notAllowed'],
    ['http://127.0.0.1:4000/files/a.png', prod, false, 'notAllowed'], // dev hosts never in production
    ['http://127.0.0.1:4000/files/a.png', dev, true, 'bot'],
    ['http://localhost:5000/a', dev, true, 'bot'],
    ['http://127.0.0.1:4001/files/a.png', dev, false, 'notAllowed'], // loopback, port not listed
    ['http://127.0.0.1/files/a.png', dev, false, 'notAllowed'],
    ['http://localhost:4000/a', dev, false, 'notAllowed'], // the listed host is 127.0.0.1, not localhost
    ['http://[::1]:4001/a', dev, true, 'bot'],
    ['http://169.254.169.254/latest/meta-data/', dev, false, 'forbiddenAddress'], // listed, still refused
    ['http://169.254.169.254:80/latest/meta-data/', dev, false, 'forbiddenAddress'],
    ['http://[fe80::1]/x', dev, false, 'forbiddenAddress'],
    ['http://[::ffff:169.254.169.254]/x', dev, false, 'forbiddenAddress'],
    ['http://0.0.0.0:4000/x', dev, false, 'forbiddenAddress'],
    ['file:///etc/passwd', dev, false, 'scheme'],
    ['ftp://smba.trafficmanager.net/x', prod, false, 'scheme'],
    ['not a url', prod, false, 'malformed'],
    ['https://smba.trafficmanager.net./x', prod, false, 'malformed'],
  ];
  it.each(TABLE)('%s (%j) → %s %s', (url, opts, allowed, detail) => {
    const r = checkDownloadUrl(url, opts);
    expect(r.ok).toBe(allowed);
    expect(r.ok ? r.bearer : r.reason).toBe(detail);
  });

  it('treats link-local and metadata addresses as forbidden', () => {
    expect(isForbiddenAddress('169.254.169.254')).toBe(true);
    expect(isForbiddenAddress('169.254.0.1')).toBe(true);
    expect(isForbiddenAddress('100.100.100.200')).toBe(true);
    expect(isForbiddenAddress('[fd00:ec2::254]')).toBe(true);
    expect(isForbiddenAddress('127.0.0.1')).toBe(false);
    expect(isForbiddenAddress('10.0.0.1')).toBe(false);
  });
});

describe('upload links', () => {
  const secret = 'x'.repeat(40);
  const grant = { schoolId: 'westbrook', aad: 'aad-1', draftId: 'd1', linkId: '0123456789abcdef', exp: 2_000_000_000 };
  const recorded = { schoolId: 'westbrook', aad: 'aad-1', draftId: 'd1' };
  const token = signUploadGrant(secret, grant);

  it('is short enough for a path segment and binds school, person and draft', () => {
    expect(token.length).toBeLessThanOrEqual(100);
    const t = parseUploadToken(token)!;
    expect(t).toMatchObject({ linkId: grant.linkId, exp: grant.exp });
    expect(verifyUploadGrant(secret, t, recorded, 1_000_000_000_000)).toEqual({ ok: true });
  });

  it.each([
    ['another person', { ...recorded, aad: 'aad-2' }],
    ['another draft', { ...recorded, draftId: 'd2' }],
    ['another school', { ...recorded, schoolId: 'other' }],
  ])('refuses a link replayed for %s', (_what, other) => {
    expect(verifyUploadGrant(secret, parseUploadToken(token)!, other, 0)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a tampered, wrongly signed or expired link', () => {
    const t = parseUploadToken(token)!;
    expect(verifyUploadGrant(secret, { ...t, exp: t.exp + 3600 }, recorded, 0)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyUploadGrant('y'.repeat(40), t, recorded, 0)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyUploadGrant(secret, t, recorded, 2_000_000_000_000)).toEqual({ ok: false, reason: 'expired' });
    expect(parseUploadToken('garbage')).toBeUndefined();
    expect(parseUploadToken(token + 'x')).toBeUndefined();
  });
});

describe('Teams attachments', () => {
  it('takes inline images and files, ignores the text/html twin, reports other things', () => {
    const r = incomingImages({
      attachments: [
        { contentType: 'image/*', contentUrl: 'https://smba.trafficmanager.net/a/v3/attachments/1/views/original' },
        { contentType: 'text/html', content: '<img src="https://us-api.asm.skype.com/v1/objects/1/views/imgo">' },
        { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'shot.png', content: { downloadUrl: 'https://c.sharepoint.com/x', fileType: 'png' } },
        { contentType: 'application/pdf', name: 'doc.pdf', contentUrl: 'https://c.sharepoint.com/y' },
      ],
    });
    expect(r.images).toEqual([
      { url: 'https://smba.trafficmanager.net/a/v3/attachments/1/views/original', originalName: 'pasted image', shape: 'inline' },
      { url: 'https://c.sharepoint.com/x', originalName: 'shot.png', shape: 'file' },
    ]);
    expect(r.other).toEqual(['doc.pdf']);
  });

  it('the development bearer is an HMAC of a fixed string with the link-signing secret', () => {
    const a = devAttachmentBearer('a'.repeat(32));
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(devAttachmentBearer('a'.repeat(32))).toBe(a);
    expect(devAttachmentBearer('b'.repeat(32))).not.toBe(a);
  });
});

import restify, { type Request, type Response, type Server } from 'restify';
import { ACCOUNT_PLATFORMS } from '../domain/account-requests/minimum-age.js';
import { canKeepConsentRegister, type ConsentFields } from '../domain/consent/consent.js';
import { ConsentConflictError, ConsentImportError, ConsentNotFoundError, type ConsentChange, type ConsentHistoryEntry } from '../domain/consent/consent-service.js';
import { ACCEPTED_HEADERS_TEXT } from '../domain/consent/csv-import.js';
import type { AppServices } from '../services.js';
import type { TabContext, TabHandler } from './context.js';
import { BadRequestError, ForbiddenError, NotFoundError } from './errors.js';
import { bodyOf, consentFieldsOf, consentSearchOf, PUPIL_ID } from './input.js';
import type * as Dto from './dto.js';

/** An import's CSV travels as JSON text: 2,000 pupils with a dozen columns is about 150 KB; 1 MB leaves room. */
export const CONSENT_IMPORT_MAX_BYTES = 1024 * 1024;
const MAX_CHANGES_SHOWN = 500;

type Route = (need: 'member' | 'cases' | 'admin', fn: TabHandler) => restify.RequestHandler;

/**
 * The photo-consent register in the tab. Every route, reads included, is for the people who keep it
 * (`canKeepConsentRegister`), checked here on the server. Pupils' names are never logged.
 */
export function mountConsentRoutes(server: Server, services: Pick<AppServices, 'consent' | 'directory'>, route: Route, json: restify.RequestHandler[]): void {
  const keeper = (fn: TabHandler): TabHandler => async (ctx, req, res) => {
    if (!canKeepConsentRegister(ctx.member)) throw new ForbiddenError('The photo-consent register is for the school office (administrators) and the head.');
    try {
      await fn(ctx, req, res);
    } catch (e) {
      if (e instanceof ConsentConflictError) return void res.send(409, { error: e.message });
      if (e instanceof ConsentImportError) return void res.send(400, { error: e.message, errors: e.errors });
      if (e instanceof ConsentNotFoundError) throw new NotFoundError(e.message);
      throw e;
    }
  };
  const big = restify.plugins.bodyParser({ maxBodySize: CONSENT_IMPORT_MAX_BYTES, mapParams: false, mapFiles: false, rejectUnknown: true });
  const svc = services.consent;
  const names = async (schoolId: string, aads: Iterable<string>) => {
    const out = new Map<string, string>();
    for (const aad of new Set(aads)) if (aad) out.set(aad, (await services.directory.member(schoolId, aad))?.name ?? 'A former member of staff');
    return out;
  };

  server.get('/api/tab/consent', route('member', keeper(async (ctx, req, res) => {
    const { q, classOrYear } = consentSearchOf((req.query ?? {}) as Record<string, unknown>);
    const reg = await svc.register(ctx.school.id);
    const needle = q?.toLowerCase();
    const items = reg.records.filter((r) => (!needle || r.name.toLowerCase().includes(needle)) && (!classOrYear || r.classOrYear === classOrYear));
    const who = await names(ctx.school.id, items.map((r) => r.updatedBy));
    res.send(200, {
      items: items.map((r) => ({ pupilId: r.pupilId, name: r.name, classOrYear: r.classOrYear, platforms: r.platforms, consentForNames: r.consentForNames, doNotPublish: r.doNotPublish, updatedAt: r.updatedAt, updatedBy: who.get(r.updatedBy) ?? null })),
      classes: [...new Set(reg.records.map((r) => r.classOrYear))].sort((a, b) => a.localeCompare(b, 'en-GB', { numeric: true })),
      platforms: Object.entries(ACCOUNT_PLATFORMS).map(([value, label]) => ({ value, label })),
      revision: reg.revision,
      acceptedHeaders: ACCEPTED_HEADERS_TEXT,
    } satisfies Dto.ConsentRegister);
  })));

  server.post('/api/tab/consent/pupils', ...json, route('member', keeper(async (ctx, req, res) => {
    const r = await svc.edit(ctx.school.id, ctx.member.aadObjectId, undefined, consentFieldsOf(bodyOf(req)), revisionOf(bodyOf(req)));
    res.send(201, { pupilId: r.pupilId });
  })));

  server.put('/api/tab/consent/pupils/:id', ...json, route('member', keeper(async (ctx, req, res) => {
    const id = String(req.params?.id ?? '');
    if (!PUPIL_ID.test(id)) throw new NotFoundError('No such pupil in the register.');
    const r = await svc.edit(ctx.school.id, ctx.member.aadObjectId, id, consentFieldsOf(bodyOf(req)), revisionOf(bodyOf(req)));
    res.send(200, { pupilId: r.pupilId });
  })));

  server.post('/api/tab/consent/import', big, route('member', keeper(async (ctx, req, res) => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(q)) if (k !== 'preview') throw new BadRequestError(`${k}: unknown parameter`);
    if (q.preview !== undefined && q.preview !== '1' && q.preview !== '0') throw new BadRequestError('preview: 1 to see what would change, 0 (or leave it out) to import');
    const b = bodyOf(req);
    if (typeof b.csv !== 'string' || !b.csv.trim()) throw new BadRequestError('csv: required (the text of the CSV file)');
    const basedOn = revisionOf(b);
    const preview = q.preview === '1';
    const result = preview ? await svc.preview(ctx.school.id, b.csv) : await svc.commit(ctx.school.id, ctx.member.aadObjectId, b.csv, basedOn);
    res.send(200, {
      committed: !preview,
      rows: result.rows,
      errors: result.errors,
      added: result.added,
      changed: result.changed,
      unchanged: result.unchanged,
      notInFile: result.notInFile,
      changes: result.changes.slice(0, MAX_CHANGES_SHOWN).map(changeDto),
      revision: preview ? result.revision : (await svc.register(ctx.school.id)).revision,
    } satisfies Dto.ConsentImportResult);
  })));

  server.get('/api/tab/consent/history', route('member', keeper(async (ctx, _req, res) => {
    const entries = await svc.history(ctx.school.id);
    const who = await names(ctx.school.id, entries.map((e) => e.actorAad));
    res.send(200, { items: entries.map((e) => historyRow(e, who.get(e.actorAad) ?? 'Someone')) } satisfies Dto.Items<Dto.ConsentHistoryRow>);
  })));

  server.get('/api/tab/consent/imports/:id', route('member', keeper(async (ctx, req, res) => {
    const id = String(req.params?.id ?? '');
    if (!/^[0-9]{14}-[0-9a-f]{6}$/.test(id)) throw new NotFoundError('No such import.');
    res.send(200, { items: (await svc.importChanges(ctx.school.id, id)).map(changeDto) } satisfies Dto.Items<Dto.ConsentChangeDto>);
  })));
}

function revisionOf(b: Record<string, unknown>): string | undefined {
  const v = b.revision;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > 200) throw new BadRequestError('revision: as the register gave it');
  return v;
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const platformLabel = (p: string) => (ACCOUNT_PLATFORMS as Record<string, string>)[p]?.split(' (')[0] ?? p;

/** What changed, in words. */
export function changeSummary(before: ConsentFields | undefined, after: ConsentFields): string {
  if (!before) {
    const consents = after.platforms.map(platformLabel).join(', ') || 'no platform';
    return `Added in ${after.classOrYear}: consent for ${consents}; names ${yesNo(after.consentForNames)}${after.doNotPublish ? '; do not publish' : ''}`;
  }
  const parts: string[] = [];
  if (before.name !== after.name) parts.push(`name ${before.name} → ${after.name}`);
  if (before.classOrYear !== after.classOrYear) parts.push(`class ${before.classOrYear} → ${after.classOrYear}`);
  for (const p of Object.keys(ACCOUNT_PLATFORMS)) {
    const was = before.platforms.includes(p as never);
    const is = after.platforms.includes(p as never);
    if (was !== is) parts.push(`${platformLabel(p)} ${yesNo(was)} → ${yesNo(is)}`);
  }
  if (before.consentForNames !== after.consentForNames) parts.push(`names ${yesNo(before.consentForNames)} → ${yesNo(after.consentForNames)}`);
  if (before.doNotPublish !== after.doNotPublish) parts.push(`do not publish ${yesNo(before.doNotPublish)} → ${yesNo(after.doNotPublish)}`);
  return parts.join('; ') || 'No change';
}

const changeDto = (c: ConsentChange): Dto.ConsentChangeDto => ({ pupilId: c.pupilId, kind: c.kind, line: c.line ?? null, name: c.after.name, summary: changeSummary(c.before, c.after) });

function historyRow(e: ConsentHistoryEntry, by: string): Dto.ConsentHistoryRow {
  if (e.kind === 'imported') {
    const c = e.counts ?? { rows: 0, added: 0, changed: 0, unchanged: 0 };
    return { at: e.at, by, kind: 'imported', text: `Imported ${c.rows} rows: ${c.added} added, ${c.changed} changed, ${c.unchanged} unchanged`, importId: e.importId ?? null };
  }
  const ch = e.change!;
  return { at: e.at, by, kind: 'edited', text: `${ch.after.name}: ${changeSummary(ch.before, ch.after)}`, importId: null };
}

export type { TabContext };

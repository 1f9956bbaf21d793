import { randomBytes } from 'node:crypto';
import type { Clock } from '../cases/case-service.js';
import { orderedPlatforms, sameFields, type ConsentFields, type ConsentRecord } from './consent.js';
import { matchKey, parseConsentCsv, type ParsedImport, type RowError } from './csv-import.js';

/** One change to one pupil's record, as the chronology keeps it. */
export interface ConsentChange {
  pupilId: string;
  kind: 'added' | 'changed';
  before?: ConsentFields;
  after: ConsentFields;
  /** The import file's line, for an imported change. */
  line?: number;
}

/** An entry of the register's chronology (append-only). Ids of people, never their names. */
export interface ConsentHistoryEntry {
  at: string;
  actorAad: string;
  kind: 'edited' | 'imported';
  /** An edit: the one change. */
  change?: ConsentChange;
  /** An import: its id (its per-pupil changes are read with `importChanges`) and its counts. */
  importId?: string;
  counts?: { rows: number; added: number; changed: number; unchanged: number };
}

export interface ConsentRegister {
  records: ConsentRecord[];
  /** Changes on every write; a write based on an older revision is refused. */
  revision: string;
}

/**
 * Where the register lives. A write names the revision it was based on and is refused with
 * `ConsentConflictError` if the register has changed since, so an import never overwrites an edit made
 * while it was being previewed or written.
 */
export interface ConsentStore {
  load(schoolId: string): Promise<ConsentRegister>;
  /** One record and its chronology entry, together. */
  saveOne(schoolId: string, record: ConsentRecord, entry: ConsentHistoryEntry, revision: string): Promise<void>;
  /**
   * A whole new register, all or nothing: nothing written is visible until the last step switches to it,
   * with its chronology entry; an import that fails part-way leaves the register as it was.
   */
  replaceAll(schoolId: string, importId: string, records: ConsentRecord[], changes: ConsentChange[], entry: ConsentHistoryEntry, revision: string): Promise<void>;
  history(schoolId: string, limit: number): Promise<ConsentHistoryEntry[]>;
  importChanges(schoolId: string, importId: string): Promise<ConsentChange[]>;
}

export class ConsentConflictError extends Error {
  constructor() {
    super('The register changed while you were working. Reload it (and preview the import again) and retry.');
  }
}

export class ConsentImportError extends Error {
  constructor(readonly errors: RowError[]) {
    super('The file has errors; nothing was imported.');
  }
}

export class ConsentNotFoundError extends Error {}

export interface ImportPreview {
  rows: number;
  errors: RowError[];
  added: number;
  changed: number;
  unchanged: number;
  /** Pupils in the register that the file does not list: kept as they are. */
  notInFile: number;
  changes: ConsentChange[];
  /** The register's revision the preview was made against; commit with it to be sure nothing moved. */
  revision: string;
}

const generatedId = () => `g-${randomBytes(5).toString('hex')}`;

export class ConsentService {
  constructor(
    private readonly store: ConsentStore,
    private readonly clock: Clock = () => new Date(),
    private readonly newId: () => string = generatedId,
  ) {}

  async register(schoolId: string): Promise<ConsentRegister> {
    const r = await this.store.load(schoolId);
    return { ...r, records: [...r.records].sort((a, b) => a.classOrYear.localeCompare(b.classOrYear) || a.name.localeCompare(b.name)) };
  }

  /** Records by id, for the checks (`consentProblems`). */
  async records(schoolId: string, pupilIds: readonly string[]): Promise<Map<string, ConsentRecord>> {
    const all = (await this.store.load(schoolId)).records;
    const want = new Set(pupilIds);
    return new Map(all.filter((r) => want.has(r.pupilId)).map((r) => [r.pupilId, r]));
  }

  /** What an import would do. Nothing is written. */
  async preview(schoolId: string, csv: string): Promise<ImportPreview> {
    const current = await this.store.load(schoolId);
    return this.plan(current, parseConsentCsv(csv)).preview;
  }

  /**
   * Apply an import, all or nothing: refused if any row has an error (every row is checked first), or if the
   * register changed since `basedOn` (the preview's revision) or while the import was being written.
   */
  async commit(schoolId: string, actorAad: string, csv: string, basedOn?: string): Promise<ImportPreview & { importId: string }> {
    const current = await this.store.load(schoolId);
    if (basedOn !== undefined && basedOn !== current.revision) throw new ConsentConflictError();
    const { preview, records } = this.plan(current, parseConsentCsv(csv));
    if (preview.errors.length) throw new ConsentImportError(preview.errors);
    const at = this.clock().toISOString();
    const importId = `${at.replace(/\D/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
    const changed = new Set(preview.changes.map((c) => c.pupilId));
    const stamped = records.map((r) => (changed.has(r.pupilId) ? { ...r, updatedAt: at, updatedBy: actorAad } : r));
    const entry: ConsentHistoryEntry = { at, actorAad, kind: 'imported', importId, counts: { rows: preview.rows, added: preview.added, changed: preview.changed, unchanged: preview.unchanged } };
    await this.store.replaceAll(schoolId, importId, stamped.map((r) => ({ ...r, schoolId })), preview.changes, entry, current.revision);
    return { ...preview, importId };
  }

  /** Change one pupil's record, or add one (`pupilId` undefined). */
  async edit(schoolId: string, actorAad: string, pupilId: string | undefined, fields: ConsentFields, basedOn?: string): Promise<ConsentRecord> {
    const current = await this.store.load(schoolId);
    if (basedOn !== undefined && basedOn !== current.revision) throw new ConsentConflictError();
    const before = pupilId === undefined ? undefined : current.records.find((r) => r.pupilId === pupilId);
    if (pupilId !== undefined && !before) throw new ConsentNotFoundError('No such pupil in the register.');
    const after: ConsentFields = { ...fields, platforms: orderedPlatforms(fields.platforms) };
    if (before && sameFields(before, after)) return before;
    const at = this.clock().toISOString();
    const record: ConsentRecord = { schoolId, pupilId: before?.pupilId ?? this.newId(), ...after, updatedAt: at, updatedBy: actorAad };
    const change: ConsentChange = { pupilId: record.pupilId, kind: before ? 'changed' : 'added', ...(before ? { before: fieldsOf(before) } : {}), after };
    await this.store.saveOne(schoolId, record, { at, actorAad, kind: 'edited', change }, current.revision);
    return record;
  }

  history(schoolId: string, limit = 200): Promise<ConsentHistoryEntry[]> {
    return this.store.history(schoolId, limit);
  }

  importChanges(schoolId: string, importId: string): Promise<ConsentChange[]> {
    return this.store.importChanges(schoolId, importId);
  }

  /** The register after the import, and what changes: rows matched by id (or by name and class when the file has no id column). */
  private plan(current: ConsentRegister, parsed: ParsedImport): { preview: ImportPreview; records: ConsentRecord[] } {
    const errors = [...parsed.errors];
    const byId = new Map(current.records.map((r) => [r.pupilId, r]));
    const byKey = new Map<string, ConsentRecord[]>();
    for (const r of current.records) byKey.set(matchKey(r), [...(byKey.get(matchKey(r)) ?? []), r]);
    const next = new Map(byId);
    const changes: ConsentChange[] = [];
    let unchanged = 0;
    const seen = new Set<string>();
    for (const row of parsed.rows) {
      let existing: ConsentRecord | undefined;
      if (row.pupilId) existing = byId.get(row.pupilId);
      else {
        const found = byKey.get(matchKey(row)) ?? [];
        if (found.length > 1) {
          errors.push({ line: row.line, message: 'The register has more than one pupil of this name in this class; import with a UPN or admission number column.' });
          continue;
        }
        existing = found[0];
      }
      const keep = existing?.platforms.filter((p) => !parsed.platforms.includes(p)) ?? [];
      const fields: ConsentFields = {
        name: row.name,
        classOrYear: row.classOrYear,
        platforms: orderedPlatforms([...keep, ...row.platforms]),
        consentForNames: parsed.hasNames || !existing ? row.consentForNames : existing.consentForNames,
        doNotPublish: parsed.hasDoNotPublish || !existing ? row.doNotPublish : existing.doNotPublish,
      };
      if (existing && sameFields(existing, fields)) {
        unchanged++;
        seen.add(existing.pupilId);
        continue;
      }
      const pupilId = existing?.pupilId ?? row.pupilId ?? this.newId();
      seen.add(pupilId);
      changes.push({ pupilId, kind: existing ? 'changed' : 'added', ...(existing ? { before: fieldsOf(existing) } : {}), after: fields, line: row.line });
      next.set(pupilId, { schoolId: existing?.schoolId ?? '', pupilId, ...fields, updatedAt: existing?.updatedAt ?? '', updatedBy: existing?.updatedBy ?? '' });
    }
    errors.sort((a, b) => a.line - b.line);
    const added = changes.filter((c) => c.kind === 'added').length;
    return {
      preview: {
        rows: parsed.rows.length + parsed.errors.filter((e) => e.line > 1).length,
        errors,
        added,
        changed: changes.length - added,
        unchanged,
        notInFile: current.records.filter((r) => !seen.has(r.pupilId)).length,
        changes,
        revision: current.revision,
      },
      records: [...next.values()],
    };
  }
}

export const fieldsOf = (r: ConsentFields): ConsentFields => ({ name: r.name, classOrYear: r.classOrYear, platforms: [...r.platforms], consentForNames: r.consentForNames, doNotPublish: r.doNotPublish });

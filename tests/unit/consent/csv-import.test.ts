import { describe, expect, it } from 'vitest';
import { parseConsentCsv } from '../../../src/domain/consent/csv-import.js';
import { ConsentService, type ConsentStore } from '../../../src/domain/consent/consent-service.js';

const csv = (...lines: string[]) => lines.join('\r\n') + '\r\n';

describe('parseConsentCsv', () => {
  it('reads a good file, with headers in any case and spacing', () => {
    const r = parseConsentCsv(csv('UPN,Forename,SURNAME,year_group,Facebook,Instagram Consent,X (Twitter),Names Consent,Do Not Publish', 'a123456789012,Ava,Jones,Year 3,Yes,N,y,1,no', 'B123456789012,Ben,"Smith, Jr",4B,no,yes,,false,TRUE'));
    expect(r.errors).toEqual([]);
    expect(r.hasIdColumn).toBe(true);
    expect(r.platforms).toEqual(['facebook', 'instagram', 'x']);
    expect(r.rows).toEqual([
      { line: 2, pupilId: 'A123456789012', name: 'Ava Jones', classOrYear: 'Year 3', platforms: ['facebook', 'x'], consentForNames: true, doNotPublish: false },
      { line: 3, pupilId: 'B123456789012', name: 'Ben Smith, Jr', classOrYear: '4B', platforms: ['instagram'], consentForNames: false, doNotPublish: true },
    ]);
  });

  it('accepts a byte-order mark and a file with no id column', () => {
    const r = parseConsentCsv('\uFEFFName,Class,TikTok\nAva Jones,3A,yes\n');
    expect(r.errors).toEqual([]);
    expect(r.hasIdColumn).toBe(false);
    expect(r.rows[0]).toMatchObject({ name: 'Ava Jones', classOrYear: '3A', platforms: ['tiktok'] });
  });

  it.each([
    ['an unknown column', csv('Name,Class,Facebok', 'Ava,3A,yes'), /Unknown column: "Facebok"\. Accepted: .*Facebook/],
    ['no name column', csv('Class,Facebook', '3A,yes'), /No name column/],
    ['no class column', csv('Name,Facebook', 'Ava,yes'), /No class or year group column/],
    ['no consent column', csv('Name,Class', 'Ava,3A'), /No consent columns/],
    ['the same column twice', csv('Name,Class,Twitter,X', 'Ava,3A,yes,yes'), /"Twitter" and "X" are the same column/],
    ['Name beside Forename', csv('Name,Forename,Surname,Class,Facebook', 'Ava,Ava,J,3A,yes'), /either Name or Forename/],
  ])('refuses wrong columns: %s, on line 1, with no rows', (_l, text, message) => {
    const r = parseConsentCsv(text);
    expect(r.rows).toEqual([]);
    expect(r.errors.map((e) => e.line)).toContain(1);
    expect(r.errors.map((e) => e.message).join('\n')).toMatch(message);
  });

  it('reports each bad row with its line, and keeps the good ones', () => {
    const r = parseConsentCsv(csv('UPN,Name,Class,Facebook,Do not publish', 'A1,Ava,3A,yes,no', 'A2,Ben,3A,maybe,no', 'A3,,3A,yes,no', 'A4,Cara,3A,yes', 'A/5,Dan,3A,yes,no', 'A6,Eve,,yes,perhaps'));
    expect(r.rows.map((x) => x.name)).toEqual(['Ava']);
    expect(r.errors).toEqual([
      { line: 3, message: 'Facebook: "maybe" is not Yes or No' },
      { line: 4, message: 'name: missing' },
      { line: 5, message: 'Has 4 values; the header has 5.' },
      { line: 6, message: 'UPN: "A/5" is not a pupil id (letters, digits and hyphens, up to 20)' },
      { line: 7, message: 'Do not publish: "perhaps" is not Yes or No; class or year: missing' },
    ]);
  });

  it('refuses a duplicate pupil, by id or (without ids) by name and class', () => {
    expect(parseConsentCsv(csv('UPN,Name,Class,Facebook', 'A1,Ava,3A,yes', 'a1,Ava J,3B,no')).errors).toEqual([{ line: 3, message: 'The same pupil id (A1) as line 2.' }]);
    expect(parseConsentCsv(csv('Name,Class,Facebook', 'Ava Jones,3A,yes', 'ava  jones,3 a,no', 'Ava Jones,3B,no')).errors).toEqual([{ line: 3, message: 'The same pupil (name and class) as line 2.' }]);
  });

  it('says so when the file is not CSV at all', () => {
    const r = parseConsentCsv('Name,Class,Facebook\n"Ava,3A,yes\n');
    expect(r.rows).toEqual([]);
    expect(r.errors[0].message).toMatch(/not valid CSV/);
  });

  it('reads 2,000 rows quickly', () => {
    const lines = ['UPN,Name,Year group,Facebook,Instagram,Names,Do not publish'];
    for (let i = 0; i < 2000; i++) lines.push(`P${String(i).padStart(6, '0')},Pupil ${i},Year ${1 + (i % 6)},${i % 2 ? 'yes' : 'no'},yes,${i % 3 ? 'no' : 'yes'},${i % 50 ? 'no' : 'yes'}`);
    const t = performance.now();
    const r = parseConsentCsv(csv(...lines));
    const ms = performance.now() - t;
    expect(r.errors).toEqual([]);
    expect(r.rows).toHaveLength(2000);
    expect(r.rows[1999]).toMatchObject({ pupilId: 'P001999', platforms: ['facebook', 'instagram'], doNotPublish: false });
    expect(ms).toBeLessThan(1000);
  });
});

/** An in-memory store, for the service's planning (the Table store is tested against Azurite). */
function memoryStore(): ConsentStore & { rev: number } {
  let records: import('../../../src/domain/consent/consent.js').ConsentRecord[] = [];
  const s = {
    rev: 0,
    async load() { return { records: records.map((r) => ({ ...r })), revision: String(s.rev) }; },
    async saveOne(_s: string, r: (typeof records)[number]) { records = [...records.filter((x) => x.pupilId !== r.pupilId), r]; s.rev++; },
    async replaceAll(_s: string, _i: string, rs: typeof records) { records = rs; s.rev++; },
    async history() { return []; },
    async importChanges() { return []; },
  };
  return s;
}

describe('ConsentService: what an import would change', () => {
  const actor = '00000000-0000-4000-8000-000000000001';
  it('adds, changes and leaves unchanged; a platform column the file lacks keeps its consent', async () => {
    const svc = new ConsentService(memoryStore(), () => new Date('2026-02-01T10:00:00Z'));
    await svc.commit('westbrook', actor, csv('UPN,Name,Class,Facebook,Instagram,Names', 'A1,Ava,3A,yes,yes,no', 'A2,Ben,3A,no,yes,no'));
    const p = await svc.preview('westbrook', csv('UPN,Name,Class,Facebook', 'A1,Ava,3A,yes', 'A2,Ben,3B,no', 'A3,Cara,3A,yes'));
    expect(p).toMatchObject({ rows: 3, errors: [], added: 1, changed: 1, unchanged: 1, notInFile: 0 });
    expect(p.changes.map((c) => [c.pupilId, c.kind, c.after.classOrYear, c.after.platforms])).toEqual([['A2', 'changed', '3B', ['instagram']], ['A3', 'added', '3A', ['facebook']]]);
  });

  it('refuses to commit a file with any error, and writes nothing', async () => {
    const store = memoryStore();
    const svc = new ConsentService(store);
    await expect(svc.commit('westbrook', actor, csv('UPN,Name,Class,Facebook', 'A1,Ava,3A,yes', 'A2,Ben,3A,maybe'))).rejects.toMatchObject({ errors: [{ line: 3 }] });
    expect(store.rev).toBe(0);
  });

  it('refuses to commit when the register moved since the preview', async () => {
    const svc = new ConsentService(memoryStore());
    const p = await svc.preview('westbrook', csv('Name,Class,Facebook', 'Ava,3A,yes'));
    await svc.edit('westbrook', actor, undefined, { name: 'Ben', classOrYear: '3A', platforms: [], consentForNames: false, doNotPublish: false });
    await expect(svc.commit('westbrook', actor, csv('Name,Class,Facebook', 'Ava,3A,yes'), p.revision)).rejects.toThrow(/changed while you were working/);
  });
});

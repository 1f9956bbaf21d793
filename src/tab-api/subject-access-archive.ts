import { Readable, type Writable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { REVIEW_PERSON, REVIEW_TEXT, type FoundRecord, type RecordSource, type Subject } from '../domain/records/subject-access.js';
import { mediumTime } from '../domain/time.js';

/**
 * Writes a subject access archive to `out` as it is made: `index.json` (what was found where), one JSON file per
 * record, `summary.html` (the same, to read and print), and each record's images, read from storage one at a
 * time (an image is never held whole, nor two at once). Returns how many records each source gave.
 */
export async function writeSubjectAccessArchive(
  out: Writable,
  opts: { school: string; subject: Subject; by: string; at: string; sources: readonly RecordSource[]; records: AsyncIterable<FoundRecord> },
): Promise<{ counts: Record<string, number>; caseIds: string[] }> {
  const zip = new ZipArchive({ zlib: { level: 6 } });
  let appended = 0;
  let processed = 0;
  let waiting: (() => void) | undefined;
  zip.on('entry', () => {
    processed++;
    if (processed >= appended) waiting?.();
  });
  let failed: Error | undefined;
  zip.on('error', (e) => {
    failed = e;
    waiting?.();
  });
  zip.pipe(out);
  const add = (source: Readable | string, name: string) => {
    appended++;
    zip.append(source, { name, date: new Date(opts.at) });
  };
  /** Until every entry so far is written: the next image is opened only then. */
  const drained = () => new Promise<void>((resolve) => {
    if (failed || processed >= appended) resolve();
    else waiting = resolve;
  });

  const counts: Record<string, number> = Object.fromEntries(opts.sources.map((s) => [s.id, 0]));
  const index: Array<{ source: string; ref: string; title: string; why: string[]; file: string; images: string[] }> = [];
  const html: string[] = [];
  const caseIds: string[] = [];
  for await (const r of opts.records) {
    if (failed) throw failed;
    counts[r.source] = (counts[r.source] ?? 0) + 1;
    if (r.caseId) caseIds.push(r.caseId);
    const folder = `records/${safeName(r.source)}/${safeName(r.ref)}`;
    add(JSON.stringify(r.data, null, 2), `${folder}.json`);
    const images: string[] = [];
    for (const img of r.images) {
      const name = `${folder}/images/${safeName(img.name)}`;
      await drained();
      let body: AsyncIterable<Uint8Array> | undefined;
      try {
        body = await img.open();
      } catch {
        // A missing image is noted, not a failed export.
        add('This image could not be read from storage when the export was made.', `${name}.missing.txt`);
        images.push(`${name}.missing.txt`);
        continue;
      }
      add(Readable.from(body), name);
      images.push(name);
    }
    index.push({ source: r.source, ref: r.ref, title: r.title, why: r.why, file: `${folder}.json`, images });
    html.push(recordHtml(r, images));
  }
  await drained();
  const header = {
    school: opts.school,
    subject: opts.subject,
    madeBy: opts.by,
    madeAt: opts.at,
    sources: opts.sources.map((s) => ({ id: s.id, label: s.label, records: counts[s.id] ?? 0 })),
    redaction: { [REVIEW_PERSON]: 'marked as { redactionReview, … }', [REVIEW_TEXT]: 'marked as { redactionReview, text }', images: 'every image may show other people: review each' },
    records: index,
  };
  add(JSON.stringify(header, null, 2), 'index.json');
  add(summaryHtml(opts, counts, html), 'summary.html');
  await zip.finalize();
  if (failed) throw failed;
  return { counts, caseIds };
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'record';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A record's data as nested lists; a marked value is highlighted with why. */
function valueHtml(v: unknown): string {
  if (v === null || v === undefined) return '<span class="none">none</span>';
  if (Array.isArray(v)) return v.length ? `<ol>${v.map((x) => `<li>${valueHtml(x)}</li>`).join('')}</ol>` : '<span class="none">none</span>';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.redactionReview === 'string') {
      const { redactionReview, ...rest } = o;
      const shown = typeof rest.text === 'string' && Object.keys(rest).length === 1 ? esc(rest.text) : esc(Object.values(rest).map(String).join(', '));
      return `<mark title="${esc(redactionReview)}">${shown}</mark> <span class="why">(${esc(redactionReview)})</span>`;
    }
    return `<dl>${Object.entries(o).map(([k, x]) => `<dt>${esc(k)}</dt><dd>${valueHtml(x)}</dd>`).join('')}</dl>`;
  }
  return esc(String(v));
}

function recordHtml(r: FoundRecord, images: string[]): string {
  return `<section><h2>${esc(r.title)}</h2><p>Where the person appears: ${esc(r.why.join('; '))}.</p>${valueHtml(r.data)}${
    images.length ? `<p>Images (review each for other people before release):</p><ul>${images.map((i) => `<li><a href="${esc(i)}">${esc(i)}</a></li>`).join('')}</ul>` : ''
  }</section>`;
}

function summaryHtml(opts: { school: string; subject: Subject; by: string; at: string; sources: readonly RecordSource[] }, counts: Record<string, number>, sections: string[]): string {
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Subject access: ${esc(opts.subject.name)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}mark{background:#ffe08a}.why{font-size:.85em;color:#555}dt{font-weight:600}dd{margin:0 0 .4rem 1rem}section{border-top:1px solid #ccc;margin-top:1.5rem}.none{color:#777}</style></head><body>
<h1>Subject access: ${esc(opts.subject.name)}</h1>
<p>${esc(opts.school)}. Made by ${esc(opts.by)}, ${esc(mediumTime(opts.at))} (UK time).</p>
<p><strong>Before release:</strong> every highlighted value names or may name someone else, and every image may show other people: review each for redaction, and consider the exemptions that apply (for example where release would put a child at risk).</p>
<h2>Where we looked</h2><ul>${opts.sources.map((s) => `<li>${esc(s.label)}: ${counts[s.id] ?? 0} record(s)</li>`).join('')}</ul>
${sections.join('\n')}
</body></html>`;
}

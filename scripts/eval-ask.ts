/**
 * npm run eval:ask: scores "ask the policy" against tests/fixtures/ask-eval.json, for the search library the
 * server uses (MiniSearch) and for lunr side by side, both over the same clauses and the same analysis of words
 * (src/domain/policy/ask.ts), the same field boosts and the same "not covered" rule. Prints per school the top-1 and
 * top-3 hit rates, how the "not covered" questions were answered, answer latency (p50, p95) and the time to build
 * every school's index, then the ten worst misses of MiniSearch.
 */
import { readFileSync } from 'node:fs';
import lunr from 'lunr';
import { PolicyIndex, PolicyVocabulary, analyse, answersConcepts, foundOf, clauseSentences, heldInPlace, relatedTerms, DEFAULT_TUNING, type AskResult } from '../src/domain/policy/ask.js';
import { readPolicyFiles } from '../src/policy-files.js';
import type { ClauseFile, PolicyClause } from '../src/domain/policy/segment.js';

interface Question {
  school: string;
  q: string;
  expect?: string[];
}
const set = JSON.parse(readFileSync('tests/fixtures/ask-eval.json', 'utf8')) as { questions: Question[]; notCovered: Question[] };
const { clauses: files } = readPolicyFiles(process.env.POLICIES_DIR ?? 'config/policies');

interface Engine {
  name: string;
  build(files: ClauseFile[]): Map<string, { ask(q: string): AskResult }>;
}

/** ASK_TUNING='{"boost":{"text":1,"heading":1,"lead":0.5}}' tries other settings (merged over the defaults). */
const override = process.env.ASK_TUNING ? (JSON.parse(process.env.ASK_TUNING) as Partial<typeof DEFAULT_TUNING>) : {};
const tuning = { ...DEFAULT_TUNING, ...override };
const minisearch: Engine = { name: 'minisearch', build: (fs) => new Map(fs.map((f) => [f.schoolId, new PolicyIndex(f, tuning)])) };

/**
 * lunr over the same clauses: our analysis as its tokenizer (its own pipeline off), the same boosts, related terms
 * and "not covered" rule (lunr's scores are on another scale, so the least score is not applied).
 */
class LunrIndex {
  private readonly idx: lunr.Index;
  private readonly byId: Map<string, PolicyClause>;
  private readonly vocabulary: PolicyVocabulary;
  constructor(file: ClauseFile) {
    this.vocabulary = new PolicyVocabulary(file);
    this.byId = new Map(file.clauses.map((c) => [c.id, c]));
    const texts = new Map(file.clauses.map((c) => [c.id, c.text]));
    const tokenizer = (obj: unknown) => (obj == null ? [] : analyse(String(obj)).map((t) => new lunr.Token(t, {})));
    this.idx = lunr(function () {
      this.tokenizer = tokenizer as unknown as typeof lunr.tokenizer;
      this.pipeline.reset();
      this.searchPipeline.reset();
      this.ref('id');
      this.field('text', { boost: tuning.boost.text });
      this.field('heading', { boost: tuning.boost.heading });
      this.field('lead', { boost: tuning.boost.lead });
      for (const c of file.clauses) this.add({ id: c.id, text: c.text, heading: c.heading ?? '', lead: c.parent ? (texts.get(c.parent) ?? '') : '' });
    });
  }
  ask(question: string): AskResult {
    const terms = [...new Set(analyse(question, true, (t) => this.vocabulary.has(t)))];
    if (!terms.length) return { covered: false, hits: [], terms };
    const results = this.idx.query((q) => {
      for (const t of terms) q.term(t, { presence: lunr.Query.presence.OPTIONAL });
      for (const t of relatedTerms(terms)) q.term(t, { presence: lunr.Query.presence.OPTIONAL, boost: tuning.related });
    });
    const hits = results.slice(0, 10).map((r) => {
      const found = foundOf(terms, Object.keys(r.matchData.metadata));
      return { clause: this.byId.get(r.ref)!, score: r.score, matched: found.length, found };
    });
    if (!hits[0]) return { covered: false, hits, terms };
    const best = hits[0].clause;
    const held = heldInPlace(terms, Object.keys(results[0].matchData.metadata), () =>
      clauseSentences(best.text, best.heading, best.parent ? this.byId.get(best.parent)?.text : ''),
    );
    if (!answersConcepts(terms, held, this.vocabulary, tuning)) return { covered: false, hits, terms };
    return { covered: true, hits: hits.filter((h, i) => i === 0 || h.score >= hits[0].score * tuning.relative).slice(0, tuning.max), terms };
  }
}
const lunrEngine: Engine = { name: 'lunr', build: (fs) => new Map(fs.map((f) => [f.schoolId, new LunrIndex(f)])) };

const pct = (n: number, d: number) => (d ? `${Math.round((100 * n) / d)}%` : '-');
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];

interface Miss {
  school: string;
  q: string;
  expect: string[];
  got: string[];
  rank: number;
}

function run(engine: Engine) {
  const cold = performance.now();
  engine.build(files); // the first build, as at the server's start
  const coldMs = performance.now() - cold;
  const builds: number[] = [];
  let indexes = engine.build(files);
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    indexes = engine.build(files);
    builds.push(performance.now() - t);
  }
  const latencies: number[] = [];
  const perSchool = new Map<string, { n: number; top1: number; top3: number }>();
  const misses: Miss[] = [];
  const timed = (s: string, q: string) => {
    const t = performance.now();
    const r = indexes.get(s)!.ask(q);
    latencies.push(performance.now() - t);
    return r;
  };
  for (const item of set.questions) {
    const r = timed(item.school, item.q);
    const got = r.covered ? r.hits.map((h) => h.clause.id) : [];
    const rank = got.findIndex((id) => item.expect!.includes(id));
    const s = perSchool.get(item.school) ?? { n: 0, top1: 0, top3: 0 };
    s.n++;
    if (rank === 0) s.top1++;
    if (rank >= 0 && rank < 3) s.top3++;
    perSchool.set(item.school, s);
    if (rank !== 0) {
      const all = r.hits.map((h) => h.clause.id);
      const anyRank = all.findIndex((id) => item.expect!.includes(id));
      misses.push({ school: item.school, q: item.q, expect: item.expect!, got: r.covered ? got : ['(not covered)', ...all.slice(0, 2)], rank: rank >= 0 ? rank : anyRank >= 0 ? 10 + anyRank : 99 });
    }
  }
  let notCoveredRight = 0;
  for (const item of set.notCovered) if (!timed(item.school, item.q).covered) notCoveredRight++;
  const saidNotCovered = notCoveredRight + misses.filter((m) => m.got[0] === '(not covered)').length;
  for (let i = 0; i < 20; i++) for (const item of [...set.questions, ...set.notCovered]) timed(item.school, item.q);
  return { perSchool, notCoveredRight, saidNotCovered, latencies, builds, coldMs, misses };
}

const results = [minisearch, lunrEngine].map((e) => ({ engine: e.name, ...run(e) }));
const schools = [...new Set(set.questions.map((q) => q.school))];
const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(14) : c.padStart(22))).join(''));
console.log(`\nAsk the policy: ${set.questions.length} questions (${schools.length} schools), ${set.notCovered.length} not covered\n`);
line(['', ...results.map((r) => r.engine)]);
line(['school', ...results.map(() => 'n   top-1   top-3')]);
for (const s of schools) {
  line([s, ...results.map((r) => {
    const x = r.perSchool.get(s)!;
    return `${x.n}   ${pct(x.top1, x.n).padStart(5)}   ${pct(x.top3, x.n).padStart(5)}`;
  })]);
}
line(['all', ...results.map((r) => {
  const all = [...r.perSchool.values()].reduce((a, x) => ({ n: a.n + x.n, top1: a.top1 + x.top1, top3: a.top3 + x.top3 }), { n: 0, top1: 0, top3: 0 });
  return `${all.n}   ${pct(all.top1, all.n).padStart(5)}   ${pct(all.top3, all.n).padStart(5)}`;
})]);
console.log('');
line(['not covered', ...results.map((r) => `${r.notCoveredRight}/${set.notCovered.length} answered so`)]);
line(['  precision', ...results.map((r) => `${r.notCoveredRight}/${r.saidNotCovered} right`)]);
line(['p50 answer', ...results.map((r) => `${quantile(r.latencies, 0.5).toFixed(2)} ms`)]);
line(['p95 answer', ...results.map((r) => `${quantile(r.latencies, 0.95).toFixed(2)} ms`)]);
line(['build all', ...results.map((r) => `${r.coldMs.toFixed(1)} ms first`)]);
line(['  again', ...results.map((r) => `${quantile(r.builds, 0.5).toFixed(1)} ms`)]);
console.log('\nTen worst misses (minisearch): expected → got (best first)');
for (const m of results[0].misses.sort((a, b) => b.rank - a.rank).slice(0, process.env.ALL_MISSES ? 999 : 10)) {
  console.log(`  [${m.school}] "${m.q}": ${m.expect.join(' | ')} → ${m.got.join(', ') || '(nothing)'}`);
}

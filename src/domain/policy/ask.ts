/**
 * Ask the policy: a staff member's question answered from their own school's policy text, cut into clauses
 * (segment.ts). One full-text index (MiniSearch, BM25) per school, built at start, searched in process: no
 * service, no network. Both the clauses and the question go through the same analysis: lower case, British
 * spelling, a small stemmer, and the words staff actually use folded into the words policies use (a "kid" is a
 * pupil, a "pic" an image, "nasty comments" abuse, "the press" the media), so a question and a clause that say the
 * same thing in different words meet on the same terms.
 *
 * A question the policy does not cover gets no clause: the best match must score enough and hold enough of the
 * question's meaningful words (or, when the policy uses every one of them somewhere, the rarer ones), or the answer
 * is "not covered" (and the caller names who to ask). The question's words are counted as concepts (a phrase and the
 * broader word it adds are one), and only those the clause says together, in one sentence: a broader word standing in
 * for the question's own (a clause's "contact" for a question's "friend request") counts only beside another of the
 * question's words, so a weak match on a word used in another sense is not shown as an answer. Pure.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import type { ClauseFile, PolicyClause } from './segment.js';
import { citationsOf, type PolicyProfile } from './profile.js';
import type { SchoolPolicy } from './school-policy.js';

/** Words that carry no meaning for a search of a policy (question words, pronouns, auxiliaries). */
const STOP = new Set(
  (
    'a an the i me my mine myself we us our ours you your yours he him his she her hers it its they them their theirs ' +
    'is am are was were be been being can could should would will shall may might must do does did doing done have has had having ' +
    'to of in on at for with about from by into onto up out over as if or and but so than then too very just also any some ' +
    'anyone someone somebody something anything what whats how who whom whose when where which why this that these those there here ' +
    'get got gets getting im ive id dont cant isnt arent wont doesnt didnt wouldnt shouldnt not no yes ok okay please need know tell me say says said ' +
    'one all own really still even ever again whether other another else let lets go going thing things way like would ' +
    'accept accepted accepting rang ring rung call called calling phoned someone sent send sends give giving gave write writing wrote ' +
    'use using used uses take taking took happen happens happened here many much ask asks asked asking school schools staff'
  ).split(' '),
);
// "tell" and "say" are question words here ("tell me…", "what do I say"), but "who do I tell" asks who to report to:
// the phrases below turn that meaning into a term before the stop words are dropped.

/** Phrases first (they span words), then single words: each to the term the policies use. */
const PHRASES: Array<[RegExp, string]> = [
  // The school's own accounts, as a question names them ("the school facebook", "our school page") and as the
  // policies do: the official account, told apart from a personal one.
  [/\b(school)('s|s')?( own| owned| official)? (social[ -]?media|social[ -]?network(ing)?|facebook|fb|instagram|insta|twitter|x|tiktok|youtube|linkedin|whatsapp|snapchat|page|account|site|website|web ?site|channel|feed|blog)s?( accounts?| sites?| pages?| channels?| platforms?)?\b/g, ' official account '],
  [/\bsocial[ -]?(media|medium|network(ing)?)( sites?| platforms?| accounts?)?\b/g, ' '],
  [/\bfriend(ed)? ?req(uest)?s?\b/g, ' friendrequest connect '],
  // "The following steps" and "as follows" introduce a list: nobody is followed.
  [/\b(the|as) follow(ing|s)\b/g, ' '],
  [/\bwho (do|should|must) i (tell|inform|report|go)\b/g, ' report '],
  [/\b(set|setting|sets) up\b/g, ' create '],
  [/\bkeep(ing)? in touch\b/g, ' connect '],
  [/\b(nasty|horrible|bad|negative|rude|mean|awful) (comments?|posts?|things|stuff|remarks?|reviews?)\b/g, ' abuse criticise '],
  [/\b(take|taking|took) down\b/g, ' delete '],
  [/\b(screen ?shots?|screen ?prints?|screen ?grabs?)\b/g, ' screenshot '],
  [/\bdata protection\b/g, ' confidential '],
  [/\bwork(ing)? (hours|time)|school (hours|day)|lesson times?|during lessons?|in lessons?|in (the )?class(room)?\b/g, ' worktime '],
  [/\bhome address(es)?\b/g, ' homeaddress '],
  [/\be-?mail\b/g, ' email '],
  [/\bx\b(?= ?\(?formerly twitter)/g, ' '],
  // A child "in year 4", "in reception" or "in my class" is a pupil.
  [/\b(in )?(year|yr) ?([1-9]|1[0-3])\b|\b(in )?(reception|nursery)( class)?\b|\b(in )?(my|our|her|his|their) (class|form group|tutor group)\b/g, ' pupil '],
  // The Prevent duty (a noun) is about radicalisation; the verb (to prevent a leak) is not.
  [/\b(the|a|about|under|make a|making a) prevent\b|\bprevent (duty|strategy|referral|referrals|concern|concerns|team|officer|lead|training|guidance)\b/g, ' radicalisation '],
  // A pupil's family are the pupil's parents and carers, as a question means them ("a pupil's mum").
  [/\b(pupil|student|child|children)('s|s'|s|')? (family|families|relatives)( members?)?\b/g, ' pupil parent family '],
  // Someone else's post is content the asker has seen (the policies say what to do on seeing it), not a post of theirs.
  [/\b(someone|somebody|some one|people|others|another (person|user)|a (parent|pupil|colleague|student|member of (the )?public))( (has|have|had|is|are|keeps?|was))? (posted|posting|posts|put up|putting up|shared|sharing|written|writing|wrote|said|saying|uploaded|uploading|tweeted|commented|commenting)\b/g, ' $1 see content '],
];

/** Groups of words that mean the same in a staff member's question and a policy: each word to the group's first. */
const GROUPS: string[][] = [
  ['pupil', 'pupils', 'student', 'students', 'child', 'children', 'kid', 'kids', 'youngster', 'youngsters', 'learner', 'learners', 'class', 'classes'],
  ['parent', 'parents', 'carer', 'carers', 'mum', 'mums', 'mom', 'moms', 'mother', 'dad', 'dads', 'father', 'guardian', 'guardians'],
  ['family', 'families', 'relative', 'relatives', 'niece', 'nephew', 'cousin', 'son', 'daughter', 'sibling', 'siblings', 'brother', 'sister', 'aunt', 'uncle', 'grandchild', 'grandson', 'granddaughter', 'related', 'relationship'],
  ['connect', 'friend', 'friends', 'befriend', 'add', 'adding', 'added', 'follow', 'follows', 'following', 'follower', 'followers', 'connect', 'connecting', 'connection', 'connections', 'contact', 'contacting', 'contacted', 'message', 'messaging', 'dm', 'text', 'texting', 'texted'],
  ['post', 'posts', 'posting', 'posted', 'share', 'shares', 'sharing', 'shared', 'upload', 'uploads', 'uploading', 'uploaded', 'publish', 'published', 'publishing', 'tweet', 'tweeting', 'put'],
  ['image', 'images', 'photo', 'photos', 'photograph', 'photographs', 'photography', 'picture', 'pictures', 'pic', 'pics', 'selfie', 'selfies', 'video', 'videos', 'footage', 'film', 'filmed', 'filming', 'recording', 'recordings'],
  ['abuse', 'abused', 'abusing', 'abusive', 'troll', 'trolls', 'trolling', 'trolled', 'nasty', 'insult', 'insults', 'insulting', 'offensive', 'threatening', 'threat', 'threats', 'hateful', 'rude', 'horrible', 'vile'],
  ['bully', 'bullying', 'bullied', 'cyberbully', 'cyberbullying', 'harass', 'harassed', 'harassment', 'harassing', 'victimisation'],
  ['media', 'journalist', 'journalists', 'press', 'newspaper', 'newspapers', 'reporter', 'reporters', 'news', 'radio', 'tv', 'television', 'publication'],
  ['head', 'headteacher', 'headteachers', 'headmaster', 'headmistress', 'principal', 'head teacher'],
  ['report', 'reports', 'reported', 'reporting', 'inform', 'informed', 'notify', 'notified', 'raise', 'raised', 'escalate', 'escalated'],
  ['concern', 'concerns', 'concerned', 'worry', 'worried', 'worries', 'worrying'],
  ['radicalisation', 'radicalise', 'radicalised', 'radical', 'extremism', 'extremist', 'extremists', 'terrorism', 'terrorist', 'terrorists'],
  ['indecent', 'nude', 'nudes', 'naked', 'sexual', 'explicit', 'porn', 'pornography', 'sexting'],
  ['phone', 'phones', 'telephone', 'telephones', 'mobile', 'mobiles', 'smartphone', 'iphone', 'device', 'devices', 'camera', 'cameras', 'tablet', 'ipad'],
  ['account', 'accounts', 'page', 'pages', 'channel', 'channels', 'group', 'groups', 'site', 'sites', 'website', 'websites', 'webspace', 'profile', 'profiles'],
  ['create', 'creating', 'created', 'creation', 'start', 'starting', 'launch', 'open', 'new', 'make'],
  ['approve', 'approval', 'approved', 'authorise', 'authorised', 'authorisation', 'agreed', 'sign', 'signoff'],
  ['permit', 'permitted', 'permission', 'allowed', 'allow', 'allows', 'consent', 'ok'],
  ['leave', 'leaves', 'leaving', 'left', 'former', 'ex', 'past', 'prior', 'previous', 'old'],
  ['logo', 'logos', 'brand', 'branding', 'badge', 'crest', 'trademark', 'trademarks'],
  ['password', 'passwords', 'login', 'logins'],
  ['delete', 'deleting', 'deleted', 'remove', 'removed', 'removing', 'removal'],
  ['confidential', 'confidentiality', 'gdpr', 'secret', 'sensitive'],
  ['breach', 'breaches', 'breached', 'leak', 'leaked', 'leaking'],
  ['reference', 'references', 'testimonial', 'endorse', 'endorsement', 'recommendation'],
  ['wikipedia', 'wiki', 'encyclopaedia', 'encyclopaedias'],
  ['privacy', 'private', 'lock', 'locked', 'settings'],
  ['break', 'breaks', 'lunch', 'lunchtime', 'breaktime'],
  ['screenshot', 'screenshots', 'evidence', 'proof', 'record', 'records'],
  ['disclaimer', 'disclaimers', 'views'],
  ['criticise', 'criticism', 'complain', 'complaint', 'complaints', 'moan', 'moaning', 'rant', 'disparage', 'disparages', 'disparaging', 'derogatory', 'defamatory', 'defame', 'bad', 'negative', 'poor', 'poorly'],
  ['colleague', 'colleagues', 'coworker', 'coworkers', 'co-worker', 'co-workers', 'workmate', 'workmates', 'teammate'],
  ['governor', 'governors', 'trustee', 'trustees'],
  ['copyright', 'copyrighted', 'copying', 'plagiarise'],
  ['monitor', 'monitored', 'monitoring', 'spy', 'spying', 'watch', 'watching'],
  ['discuss', 'discussed', 'discussing', 'check', 'checking', 'checked', 'consult', 'consulted', 'advice', 'advise'],
  ['admin', 'admins', 'administrator', 'administrators', 'moderator', 'moderators', 'mod', 'mods'],
  ['reply', 'replies', 'replying', 'replied', 'respond', 'responded', 'responding', 'response', 'responses', 'answer', 'answering'],
  ['quick', 'quickly', 'fast', 'soon', 'promptly', 'swiftly', 'swift', 'immediately', 'asap'],
  ['mistake', 'mistakes', 'accident', 'accidental', 'accidentally', 'inadvertent', 'inadvertently', 'mistaken', 'mistakenly', 'wrongly'],
  ['embarrassing', 'embarrass', 'embarrassed', 'embarrassment', 'compromising', 'compromise'],
  ['want', 'wants', 'wanted', 'wish', 'wishes', 'wishing', 'wished'],
  ['employment', 'employ', 'employed', 'employer', 'employers', 'employee', 'employees', 'job', 'work', 'works', 'workplace'],
  ['disciplinary', 'discipline', 'sacked', 'fired', 'dismissal', 'dismissed', 'trouble'],
  ['name', 'names', 'named', 'naming', 'surname', 'surnames'],
];
/** Platform names: every policy lists them in its scope, so they say nothing about which clause answers. */
const PLATFORMS = new Set('social facebook fb instagram insta twitter tiktok snapchat snap whatsapp linkedin youtube reddit pinterest flickr tumblr online internet'.split(' '));
/** Terms a question's term also looks for, at a lower weight: a parent is family, a nasty comment may be bullying. */
const RELATED: Record<string, string[]> = {
  parent: ['family'],
  abuse: ['criticise', 'bully'],
  bully: ['abuse'],
  criticise: ['abuse'],
  friendrequest: ['connect'],
};
const GROUP_OF = new Map<string, string>(GROUPS.flatMap((g) => g.map((w) => [w, g[0]] as const)));

/** American spellings (and a few variants) to the British the policies print. */
const SPELLING: Record<string, string> = {
  behavior: 'behaviour', color: 'colour', honor: 'honour', favorite: 'favourite', center: 'centre', program: 'programme',
  defense: 'defence', offense: 'offence', license: 'licence', judgment: 'judgement', encyclopedia: 'encyclopaedia',
  catalog: 'catalogue', practise: 'practice', enroll: 'enrol', counseling: 'counselling', traveling: 'travelling', labeled: 'labelled',
  mom: 'mum', moms: 'mums', cellphone: 'mobile', cell: 'mobile',
};

/** -ize and -yze (and their forms) to -ise and -yse; a list for the rest. */
function british(word: string): string {
  if (SPELLING[word]) return SPELLING[word];
  const m = /^(\w{3,})(iz|yz)(e|es|ed|ing|ation|ations|er|ers)$/.exec(word);
  if (m) return `${m[1]}${m[2] === 'iz' ? 'is' : 'ys'}${m[3]}`;
  return word;
}

/** A light stemmer: plurals and the commonest endings, enough to meet "posting" and "posts" at "post". */
function stem(w: string): string {
  if (w.length <= 4) return w;
  if ((w.endsWith('ies') || w.endsWith('ied')) && w.length > 5) return `${w.slice(0, -3)}y`;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ing') && w.length > 6) return w.slice(0, -3).replace(/(.)\1$/, '$1');
  if (w.endsWith('ed') && w.length > 5) return w.slice(0, -2).replace(/(.)\1$/, '$1');
  if (w.endsWith('ness') && w.length > 7) return w.slice(0, -4);
  if (w.endsWith('ly') && w.length > 6) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  return w;
}

const memo = new Map<string, string | null>();
const memoSlip = new Map<string, string | null>();
const GROUP_ROOTS = new Set(GROUPS.map((g) => g[0]));
/** The words the phrases put in: real words, never someone's slip for another ("content" is not "consent"). */
const PHRASE_WORDS = new Set(PHRASES.flatMap(([, to]) => to.trim().split(/\s+/)).filter((w) => /^[a-z]+$/.test(w)));

/**
 * One word to the term the index holds; null for a word that carries nothing. A question's words may be misspelt:
 * one slip in a long word of the staff vocabulary is forgiven, unless the word is one the policy itself uses (`known`),
 * which is no slip. A policy's words are taken as printed.
 */
export function term(raw: string, question = false, known?: (term: string) => boolean): string | null {
  let t = memo.get(raw);
  if (t === undefined) {
    t = termOf(raw);
    if (memo.size < 50_000) memo.set(raw, t);
  }
  if (!question || t === null || GROUP_ROOTS.has(t) || PHRASE_WORDS.has(t) || known?.(t)) return t;
  let slip = memoSlip.get(raw);
  if (slip === undefined) {
    slip = misspelt(plainWord(raw)) ?? null;
    if (memoSlip.size < 50_000) memoSlip.set(raw, slip);
  }
  return slip ?? t;
}

const plainWord = (raw: string) => british(raw.toLowerCase().replace(/^'+|'+$/g, '').replace(/'s$/, '').replace(/'/g, ''));

function termOf(raw: string): string | null {
  const w = plainWord(raw);
  if (!w || STOP.has(w) || PLATFORMS.has(w) || /^\d+$/.test(w)) return null;
  const grouped = GROUP_OF.get(w) ?? GROUP_OF.get(stem(w)) ?? GROUP_OF.get(`${stem(w)}e`);
  if (grouped) return grouped;
  return w.length < 3 ? null : stem(w);
}

/** True when `a` becomes `b` by one letter added, dropped, changed, or two neighbours swapped. */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const rest = (x: string, y: string) => x === y;
  return (
    rest(a.slice(i + 1), b.slice(i + 1)) ||
    rest(a.slice(i + 1), b.slice(i)) ||
    rest(a.slice(i), b.slice(i + 1)) ||
    (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a.slice(i + 2), b.slice(i + 2)))
  );
}

/** A long word one slip away from a word of the staff vocabulary ("jounalist", "embarassing"): that word's group. */
function misspelt(w: string): string | undefined {
  if (w.length < 6) return undefined;
  for (const [word, group] of GROUP_OF) if (word.length >= 6 && oneEditApart(w, word)) return group;
  return undefined;
}

/** Text to its terms, phrases first. The same for clauses and questions (whose slips are forgiven). */
export function analyse(text: string, question = false, known?: (term: string) => boolean): string[] {
  let t = ` ${text.toLowerCase().replace(/[‘’]/g, "'").replace(/[*_\\]/g, ' ')} `;
  for (const [re, to] of PHRASES) t = t.replace(re, to);
  return t
    .split(/[^a-z0-9'-]+|(?<=\w)-(?=\w)|--+/)
    .map((w) => term(w, question, known))
    .filter((w): w is string => w !== null);
}

export interface AskHit {
  clause: PolicyClause;
  score: number;
  /** How many of the question's terms this clause holds. */
  matched: number;
  /** Which of the question's terms this clause (its text, heading or lead) holds, itself or by a related term. */
  found: string[];
}

export type AskResult = { covered: true; hits: AskHit[]; terms: string[] } | { covered: false; hits: AskHit[]; terms: string[] };

export interface AskTuning {
  /** Field boosts: the clause text, its heading, and (for a lettered item) the clause that introduces it. */
  boost: { text: number; heading: number; lead: number };
  /** The least score the best clause must have to count as an answer. */
  minScore: number;
  /** The least share of the question's terms the best clause must hold... */
  minShare: number;
  /** ...but a question of this many terms or fewer needs them all... */
  allUpTo: number;
  /**
   * ...unless every term of the question is a word the policy uses and the clause holds at least this share of the
   * question's weight (each term weighed by how rare it is in the policy): the clause holds the question's telling
   * words, and the rest are words the policy uses elsewhere.
   */
  minWeight: number;
  /** The weight of a related term (RELATED) against the question's own. */
  related: number;
  /** BM25: term frequency saturation (k), length normalisation (b), and the floor for a term found (d). */
  bm25: { k: number; b: number; d: number };
  /** Clauses shown at most. */
  max: number;
  /** A further clause is shown only if it scores at least this share of the best. */
  relative: number;
}

export const DEFAULT_TUNING: AskTuning = { boost: { text: 1, heading: 1.5, lead: 0.5 }, minScore: 3, minShare: 0.5, allUpTo: 2, minWeight: 0.5, related: 0.4, bm25: { k: 1.2, b: 0.7, d: 0.5 }, max: 3, relative: 0.45 };

/**
 * How many of a policy's clauses use each term (in the clause, its heading or the passage that introduces it): a
 * word the policy never uses says the question is about something else; a rare one says most about which clause.
 */
export class PolicyVocabulary {
  private readonly uses = new Map<string, number>();
  readonly clauses: number;

  /** `tokenize` is the index's own analysis (which keeps each text's terms while the index is built). */
  constructor(file: ClauseFile, tokenize: (text: string) => string[] = analyse) {
    const texts = new Map(file.clauses.map((c) => [c.id, c.text]));
    this.clauses = file.clauses.length;
    for (const c of file.clauses) {
      const terms = new Set([...tokenize(c.text), ...tokenize(c.heading ?? ''), ...tokenize(c.parent ? (texts.get(c.parent) ?? '') : '')]);
      for (const t of terms) this.uses.set(t, (this.uses.get(t) ?? 0) + 1);
    }
  }

  has(term: string): boolean {
    return this.uses.has(term);
  }

  /** The term's weight: BM25's inverse document frequency over the policy's clauses (highest for a word it never uses). */
  weight(term: string): number {
    const n = this.uses.get(term) ?? 0;
    return Math.log(1 + (this.clauses - n + 0.5) / (n + 0.5));
  }
}

/**
 * Whether the best clause answers the question or the policy does not cover it: the clause must hold enough of the
 * question's terms (all of a one- or two-term question, half of a longer one), or, where every term is a word the
 * policy uses, enough of the question's weight. The same rule for every search library compared.
 */
export function answers(terms: readonly string[], found: readonly string[], vocabulary: PolicyVocabulary, tuning: AskTuning = DEFAULT_TUNING): boolean {
  if (terms.length === 0) return false;
  const held = terms.filter((t) => found.includes(t));
  const need = terms.length <= tuning.allUpTo ? terms.length : Math.ceil(terms.length * tuning.minShare);
  if (held.length >= need) return true;
  if (!terms.every((t) => vocabulary.has(t))) return false;
  const weigh = (ts: readonly string[]) => ts.reduce((sum, t) => sum + vocabulary.weight(t), 0);
  return weigh(held) >= tuning.minWeight * weigh(terms);
}

/**
 * The question's terms a clause holds in a way that can answer it: said together, in one sentence of the clause (with
 * its heading, and the passage that introduces it, which the sentence completes). "Updates to parents" in one sentence
 * and "contact the headteacher" in another do not answer "a parent added me": the clause holds both words, in senses
 * that have nothing to do with each other.
 *
 * A word the clause holds may also stand in for the question's own: a related term (a clause on "connect" for a
 * question on a "friend request"), or a broader word a phrase of the question adds beside its own ("friend request"
 * adds "connect") while the clause lacks the question's own word. Such a stand-in counts only in a sentence where it
 * stands with a word of another of the question's concepts that the clause holds in its own right: "contact with a
 * pupil" answers a friend request from a pupil; "contact the headteacher" does not answer one from a parent. A
 * question of a single concept needs no such company.
 *
 * `inClause` is every term the clause holds (the question's and the related ones); `sentences` gives each sentence's
 * terms (clauseSentences), asked for only when the question has more than one concept.
 */
export function heldInPlace(terms: readonly string[], inClause: readonly string[], sentences: () => ReadonlyArray<ReadonlySet<string>>): string[] {
  const has = (t: string) => inClause.includes(t);
  // A term that a phrase or relation of another question term puts beside it (friendrequest → connect) is that term's
  // broader word: one concept with it, whose own word is the one no other question term leads to.
  const broaderOf = broaderWords(terms);
  const concept = (t: string) => broaderOf.get(t) ?? t;
  const concepts = new Set(terms.map(concept));
  // Each term found: held in its own right, or by which stand-in word(s).
  const own = new Set<string>();
  const standIn = new Map<string, string[]>();
  for (const t of terms) {
    const head = broaderOf.get(t);
    if (has(t) && (head === undefined || has(head))) own.add(t);
    else if (has(t)) standIn.set(t, [t]);
    else {
      const by = (RELATED[t] ?? []).filter(has);
      if (by.length) standIn.set(t, by);
    }
  }
  if (concepts.size === 1) return terms.filter((t) => own.has(t) || standIn.has(t));
  const units = sentences();
  const accompanied = (t: string, words: readonly string[]) => {
    const others = [...own].filter((o) => concept(o) !== concept(t) && !words.includes(o));
    return units.some((u) => words.some((w) => u.has(w)) && others.some((o) => u.has(o)));
  };
  const held = terms.filter((t) => own.has(t) || (standIn.has(t) && accompanied(t, standIn.get(t)!)));
  // The most of them any one sentence holds.
  let best: string[] = held.length < 2 ? held : [];
  if (held.length >= 2) {
    for (const u of units) {
      const here = held.filter((t) => u.has(t) || (RELATED[t] ?? []).some((r) => u.has(r)));
      if (here.length > best.length) best = here;
    }
  }
  return best;
}

/** Each of the question's terms that another of its terms leads to (friendrequest → connect), to that term. */
export function broaderWords(terms: readonly string[]): Map<string, string> {
  const broaderOf = new Map<string, string>();
  for (const t of terms) for (const r of RELATED[t] ?? []) if (r !== t && terms.includes(r) && !(RELATED[r] ?? []).includes(t)) broaderOf.set(r, t);
  return broaderOf;
}

/**
 * Whether the best clause answers the question (`answers`), counted by the question's concepts: a word and the broader
 * word a phrase or relation puts beside it are one concept ("friend request" is not two of the question's words). Such
 * a concept, named by a word the policy never uses, says what the question is about: the clause must hold it, by the
 * broader word beside the question's other words (heldInPlace), or the policy does not cover the question.
 */
export function answersConcepts(terms: readonly string[], held: readonly string[], vocabulary: PolicyVocabulary, tuning: AskTuning = DEFAULT_TUNING): boolean {
  const broaderOf = broaderWords(terms);
  const concept = (t: string) => broaderOf.get(t) ?? t;
  const concepts = [...new Set(terms.map(concept))];
  const heldConcepts = [...new Set(held.map(concept))];
  const named = new Set(broaderOf.values());
  if (concepts.some((c) => named.has(c) && !vocabulary.has(c) && !heldConcepts.includes(c))) return false;
  return answers(concepts, heldConcepts, vocabulary, tuning);
}

/**
 * The terms of each sentence of a clause, each with the terms of its heading and of the passage that introduces it
 * (a lettered or numbered item completes that passage); the heading and passage alone for a clause of no words.
 */
export function clauseSentences(text: string, heading = '', lead = '', tokenize: (text: string) => string[] = analyse): Array<Set<string>> {
  const around = [...tokenize(heading), ...tokenize(lead)];
  const out = text
    .split(/(?<=[.!?;:])\s+|\n+/)
    .map((s) => tokenize(s))
    .filter((ts) => ts.length > 0)
    .map((ts) => new Set([...ts, ...around]));
  return out.length ? out : [new Set(around)];
}

interface Doc {
  id: string;
  text: string;
  heading: string;
  lead: string;
}

/** One school's index of its policy's clauses. */
export class PolicyIndex {
  private readonly search: MiniSearch<Doc>;
  private readonly byId = new Map<string, PolicyClause>();
  readonly vocabulary: PolicyVocabulary;

  constructor(
    readonly file: ClauseFile,
    private readonly tuning: AskTuning = DEFAULT_TUNING,
  ) {
    // Headings and introducing passages repeat across clauses: each text is analysed once while the index is built.
    const analysed = new Map<string, string[]>();
    const tokenize = (s: string) => {
      let terms = analysed.get(s);
      if (!terms) analysed.set(s, (terms = analyse(s)));
      return terms;
    };
    this.search = new MiniSearch<Doc>({
      fields: ['text', 'heading', 'lead'],
      idField: 'id',
      tokenize,
      processTerm: (t) => t,
      searchOptions: { boost: { ...tuning.boost }, combineWith: 'OR', prefix: false, fuzzy: false, bm25: { ...tuning.bm25 } },
    });
    const texts = new Map(file.clauses.map((c) => [c.id, c.text]));
    for (const c of file.clauses) this.byId.set(c.id, c);
    this.search.addAll(
      file.clauses.map((c) => ({ id: c.id, text: c.text, heading: c.heading ?? '', lead: c.parent ? (texts.get(c.parent) ?? '') : '' })),
    );
    this.vocabulary = new PolicyVocabulary(file, tokenize);
  }

  get schoolId(): string {
    return this.file.schoolId;
  }

  clause(id: string): PolicyClause | undefined {
    return this.byId.get(id);
  }

  private readonly sentenceCache = new Map<string, Array<Set<string>>>();

  /** The terms of each sentence of the clause, with its heading and introducing passage (worked out when first asked). */
  private sentences(c: PolicyClause): Array<Set<string>> {
    let s = this.sentenceCache.get(c.id);
    if (!s) this.sentenceCache.set(c.id, (s = clauseSentences(c.text, c.heading, c.parent ? this.byId.get(c.parent)?.text : '')));
    return s;
  }

  private flowCache: { profile: PolicyProfile | undefined; flows: Map<string, Set<AskFlow>> } | undefined;

  /** Which flows each clause leads to under this profile (kept while the profile is the same object). */
  flows(profile: PolicyProfile | undefined): Map<string, Set<AskFlow>> {
    if (!this.flowCache || this.flowCache.profile !== profile) this.flowCache = { profile, flows: clauseFlows(profile, this.file.clauses) };
    return this.flowCache.flows;
  }

  /** The clauses that answer the question, best first, or "not covered" (with the weak matches, for the evaluation). */
  ask(question: string): AskResult {
    const terms = [...new Set(analyse(question, true, (t) => this.vocabulary.has(t)))];
    if (terms.length === 0) return { covered: false, hits: [], terms };
    const extra = relatedTerms(terms);
    const results: SearchResult[] = this.search.search([...terms, ...extra].join(' '), {
      tokenize: (s) => s.split(' '),
      processTerm: (t) => t,
      boostTerm: (t) => (extra.includes(t) ? this.tuning.related : 1),
    });
    // MiniSearch multiplies a clause's score by how many query terms it holds; a related term is the question's
    // word at one remove, so the count is of the question's own words found (itself or by a related term).
    const hits = results
      .map((r) => {
        const found = foundOf(terms, r.terms);
        return { clause: this.byId.get(String(r.id))!, score: (r.score / Math.max(1, r.queryTerms.length)) * Math.max(1, found.length), matched: found.length, found };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, 10);
    const best = hits[0];
    if (!best || best.score < this.tuning.minScore) return { covered: false, hits, terms };
    const held = heldInPlace(terms, results.find((r) => String(r.id) === best.clause.id)?.terms ?? [], () => this.sentences(best.clause));
    if (!answersConcepts(terms, held, this.vocabulary, this.tuning)) return { covered: false, hits, terms };
    const shown = hits.filter((h, i) => i === 0 || h.score >= best.score * this.tuning.relative).slice(0, this.tuning.max);
    return { covered: true, hits: shown, terms };
  }
}

/** The terms a question's terms also look for, at a lower weight (a parent question looks at family clauses too). */
export function relatedTerms(terms: readonly string[]): string[] {
  return [...new Set(terms.flatMap((t) => RELATED[t] ?? []))].filter((t) => !terms.includes(t));
}

/** The question's terms a clause holds, itself or by a related term (a clause on family answers a question on a parent). */
export function foundOf(terms: readonly string[], inClause: readonly string[]): string[] {
  return terms.filter((t) => inClause.includes(t) || (RELATED[t] ?? []).some((r) => inClause.includes(r)));
}

/** Every school's index, built once at start from the clause files. */
export class PolicyAsk {
  private readonly indexes = new Map<string, PolicyIndex>();

  constructor(files: Iterable<ClauseFile>, tuning?: AskTuning) {
    for (const f of files) this.indexes.set(f.schoolId, new PolicyIndex(f, tuning));
  }

  /** The school's index; none for a school whose policy text is not held (the bot then says the policy is not held). */
  forSchool(schoolId: string): PolicyIndex | undefined {
    return this.indexes.get(schoolId);
  }
}

/** The flows an answer can lead to: the menu's choices of the same names. */
export type AskFlow = 'report' | 'declare' | 'requestAccount' | 'proposePost';

/**
 * Which flow a rule of the profile leads to: reporting (routes, advice, evidence, contact with pupils, the media),
 * declaring a family relationship, requesting an official account, proposing a post for one (posting photos and
 * names on the school's accounts). A clause leads to a flow when the school's
 * own profile cites it for such a rule.
 */
function flowOfRule(ruleId: string): AskFlow | undefined {
  if (/^(route|advice|evidence)\./.test(ruleId) || ruleId.startsWith('contact.') || ruleId === 'media.enquiries') return 'report';
  if (ruleId === 'family.declaration') return 'declare';
  if (ruleId.startsWith('accounts.')) return 'requestAccount';
  if (ruleId.startsWith('posts.') || ruleId.startsWith('images.')) return 'proposePost';
  return undefined;
}

const plain = (s: string) => s.replace(/[*\\]/g, '').replace(/\s+/g, ' ').trim();

/** The clause ids each flow's rules cite in this profile (a citation names a clause by label or heading and quotes it). */
export function clauseFlows(profile: PolicyProfile | undefined, clauses: readonly PolicyClause[]): Map<string, Set<AskFlow>> {
  const out = new Map<string, Set<AskFlow>>();
  if (!profile) return out;
  for (const { at, citation } of citationsOf(profile)) {
    const flow = flowOfRule(at.split(/\.(?:citation|seeAlso|value)/)[0]);
    if (!flow) continue;
    const quote = plain(citation.quote);
    for (const c of clauses) {
      const named = citation.clause
        ? c.label === citation.clause && (citation.occurrence === undefined || c.occurrence === citation.occurrence)
        : c.heading !== undefined && plain(c.heading) === plain(citation.heading ?? '');
      if (!named || !plain(c.text).replace(/[‘’]/g, "'").includes(quote.replace(/[‘’]/g, "'"))) continue;
      const set = out.get(c.id) ?? new Set<AskFlow>();
      set.add(flow);
      out.set(c.id, set);
    }
  }
  return out;
}

export interface AnswerClause {
  id: string;
  /** The policy's name and the clause label as printed, or its heading, as `SchoolPolicy.cite` shows them. */
  cite: string;
  /** The section heading, where the citation does not show it already. */
  heading?: string;
  /** The clause's words (Markdown emphasis marks removed), shortened at a sentence or word if very long. */
  text: string;
  shortened: boolean;
}

export type AskAnswer =
  | { covered: true; policyName: string; clauses: AnswerClause[]; flows: AskFlow[]; askWho: string }
  | { covered: false; policyName: string; held: boolean; askWho: string };

/** Clause text longer than this is shortened on the card (the whole clause is in the policy). */
export const MAX_CLAUSE_CHARS = 900;

export function shorten(text: string, max = MAX_CLAUSE_CHARS): { text: string; shortened: boolean } {
  const t = text.replace(/\*\*|\\/g, '').trim();
  if (t.length <= max) return { text: t, shortened: false };
  const cut = t.slice(0, max);
  const sentence = cut.lastIndexOf('. ');
  const at = sentence > max * 0.6 ? sentence + 1 : cut.lastIndexOf(' ');
  return { text: `${cut.slice(0, at > 0 ? at : max).trim()} …`, shortened: true };
}

/** A member's question answered from their own school's policy: its clauses and the flows they lead to, or "not covered". */
export function answerQuestion(policy: SchoolPolicy, index: PolicyIndex | undefined, question: string): AskAnswer {
  const { policyName } = policy;
  const askWho = policy.terms.headTitle;
  if (!policy.held || !index) return { covered: false, policyName, held: false, askWho };
  const result = index.ask(question);
  if (!result.covered) return { covered: false, policyName, held: true, askWho };
  const flows = index.flows(policy.profile);
  const clauses = result.hits.map(({ clause: c }) => {
    const cite = policy.cite({ clause: c.label, occurrence: c.occurrence, heading: c.heading, quote: '' });
    return { id: c.id, cite, ...(c.heading && !cite.includes(c.heading) ? { heading: c.heading } : {}), ...shorten(c.text) };
  });
  const leads = new Set(result.hits.flatMap((h) => [...(flows.get(h.clause.id) ?? [])]));
  return { covered: true, policyName, askWho, clauses, flows: (['report', 'declare', 'requestAccount', 'proposePost'] as const).filter((f) => leads.has(f)) };
}

import { termsOf } from './segment.ts';

/** What the model knows of one duty item. */
export interface ItemText {
  code: string;
  name: string;
  category: readonly string[];
  description: string;
  keywords: readonly string[];
  /** colloquial phrases (phrases.ts) */
  phrases: readonly string[];
  /** descriptions of cases staff re-classified into this item */
  learned: readonly string[];
}

export interface Suggestion {
  code: string;
  score: number;
}

/** How much each part of an item counts: what a resident would say weighs most. */
const FIELD_WEIGHTS = { name: 3, keywords: 3, phrases: 2.5, learned: 2, category: 1, description: 1 } as const;
/** BM25's term saturation and (mild) length normalisation: learned cases make some items long. */
const K1 = 1.2;
const B = 0.3;

/**
 * A word from re-classified cases is offered to a caller who may not read those cases only when the
 * duty list's own text has it or at least this many such cases share it: one resident's name, address
 * or phone number never moves a suggestion she (or anyone probing with guessed words) can see.
 */
export const MIN_SHARED_CASES = 3;

/** Which words a suggestion may rest on: every learned word (staff), or only shared ones (see above). */
export type Audience = 'staff' | 'public';

interface Doc {
  code: string;
  /** weighted term count: every word, and (publicLength) those a public suggestion may use */
  length: number;
  publicLength: number;
}

interface Posting {
  doc: number;
  tf: number;
  publicTf: number;
}

/**
 * BM25 over each item's weighted terms. Built in memory from the current duty list and the
 * re-classified cases; `suggest` is a few dictionary look-ups per query term.
 */
export class SuggestModel {
  private readonly docs: Doc[];
  private readonly idf = new Map<string, number>();
  private readonly postings = new Map<string, Posting[]>();
  private readonly avgLength: number;
  private readonly avgPublicLength: number;

  constructor(items: readonly ItemText[]) {
    const merge = (into: Map<string, number>, terms: Map<string, number>) => {
      for (const [t, w] of terms) into.set(t, (into.get(t) ?? 0) + w);
    };
    const own = items.map((item) => {
      const terms = new Map<string, number>();
      merge(terms, termsOf(item.name, FIELD_WEIGHTS.name));
      for (const k of item.keywords) merge(terms, termsOf(k, FIELD_WEIGHTS.keywords));
      for (const p of item.phrases) merge(terms, termsOf(p, FIELD_WEIGHTS.phrases));
      merge(terms, termsOf(item.category.join(' '), FIELD_WEIGHTS.category));
      merge(terms, termsOf(item.description, FIELD_WEIGHTS.description));
      return terms;
    });
    const learned = items.map((item) => item.learned.map((l) => termsOf(l, FIELD_WEIGHTS.learned)));
    const casesWith = new Map<string, number>();
    for (const texts of learned)
      for (const t of texts) for (const term of t.keys()) casesWith.set(term, (casesWith.get(term) ?? 0) + 1);
    const vocabulary = new Set(own.flatMap((terms) => [...terms.keys()]));
    const isShared = (term: string) => vocabulary.has(term) || (casesWith.get(term) ?? 0) >= MIN_SHARED_CASES;

    const docTerms = items.map((_, i) => {
      const all = new Map(own[i]);
      const shared = new Map(own[i]);
      for (const t of learned[i]!) {
        merge(all, t);
        for (const [term, w] of t) if (isShared(term)) shared.set(term, (shared.get(term) ?? 0) + w);
      }
      return { all, shared };
    });
    const sum = (m: Map<string, number>) => [...m.values()].reduce((s, w) => s + w, 0);
    this.docs = items.map((item, i) => ({
      code: item.code,
      length: sum(docTerms[i]!.all),
      publicLength: sum(docTerms[i]!.shared),
    }));
    this.avgLength = this.docs.reduce((s, d) => s + d.length, 0) / Math.max(1, this.docs.length);
    this.avgPublicLength = this.docs.reduce((s, d) => s + d.publicLength, 0) / Math.max(1, this.docs.length);
    docTerms.forEach(({ all, shared }, doc) => {
      for (const [term, tf] of all) {
        const list = this.postings.get(term) ?? [];
        list.push({ doc, tf, publicTf: shared.get(term) ?? 0 });
        this.postings.set(term, list);
      }
    });
    const n = this.docs.length;
    for (const [term, list] of this.postings) {
      this.idf.set(term, Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5)));
    }
  }

  get size(): number {
    return this.docs.length;
  }

  /**
   * The best `limit` items for a text, best first; only items the text has some word in common with.
   * For the `public` audience, learned words count only where shared (MIN_SHARED_CASES).
   */
  suggest(
    text: string,
    options: { limit: number; allowed?: ReadonlySet<string> | undefined; audience?: Audience },
  ): Suggestion[] {
    const isPublic = options.audience === 'public';
    const avgLength = isPublic ? this.avgPublicLength : this.avgLength;
    const scores = new Float64Array(this.docs.length);
    for (const [term, qw] of termsOf(text)) {
      const list = this.postings.get(term);
      if (list === undefined) continue;
      const idf = this.idf.get(term) ?? 0;
      for (const posting of list) {
        const tf = isPublic ? posting.publicTf : posting.tf;
        if (tf === 0) continue;
        const d = this.docs[posting.doc]!;
        const length = isPublic ? d.publicLength : d.length;
        const norm = tf + K1 * (1 - B + (B * length) / avgLength);
        scores[posting.doc] = scores[posting.doc]! + qw * idf * ((tf * (K1 + 1)) / norm);
      }
    }
    const ranked: Suggestion[] = [];
    this.docs.forEach((d, i) => {
      const score = scores[i]!;
      if (score > 0 && (options.allowed === undefined || options.allowed.has(d.code))) {
        ranked.push({ code: d.code, score });
      }
    });
    ranked.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
    return ranked.slice(0, options.limit);
  }
}

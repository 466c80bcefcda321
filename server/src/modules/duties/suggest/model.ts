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
  learned: readonly LearnedText[];
}

/** A re-classified case's description, who told it, and where it happened. */
export interface LearnedText {
  text: string;
  /** one key per person (her account, her phone's blind index, or the case when neither is known) */
  reporter: string;
  /** the case's place path: staff whose scope covers it may be suggested by its every word */
  path: string;
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
 * duty list's own text has it or at least this many different people's cases share it: one resident's
 * name, address or phone number — even written into several cases of her own — never moves a
 * suggestion that a resident, or staff of another community, can see by probing with guessed words.
 */
export const MIN_SHARED_REPORTERS = 3;

/**
 * Which learned words a suggestion may rest on beyond the shared ones: those of cases at a place the
 * caller may read (staff: `canRead(path)`); none for residents.
 */
export interface Audience {
  canRead: (path: string) => boolean;
}

interface Doc {
  code: string;
  /** weighted term count: every word, and (publicLength) those a public suggestion may use */
  length: number;
  publicLength: number;
}

interface Posting {
  doc: number;
  /** weight from the item's own text and from shared learned words: what everyone may use */
  publicTf: number;
  /** weight from learned words not shared, by the place of the case that holds them */
  privateTf: { path: string; tf: number }[];
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
    const learned = items.map((item) =>
      item.learned.map((l) => ({ terms: termsOf(l.text, FIELD_WEIGHTS.learned), reporter: l.reporter, path: l.path })),
    );
    const reportersWith = new Map<string, Set<string>>();
    for (const texts of learned)
      for (const t of texts)
        for (const term of t.terms.keys()) {
          const set = reportersWith.get(term) ?? new Set<string>();
          set.add(t.reporter);
          reportersWith.set(term, set);
        }
    const vocabulary = new Set(own.flatMap((terms) => [...terms.keys()]));
    const isShared = (term: string) =>
      vocabulary.has(term) || (reportersWith.get(term)?.size ?? 0) >= MIN_SHARED_REPORTERS;

    const docTerms = items.map((_, i) => {
      const shared = new Map(own[i]);
      const hidden = new Map<string, Map<string, number>>();
      let hiddenLength = 0;
      for (const t of learned[i]!) {
        for (const [term, w] of t.terms) {
          if (isShared(term)) {
            shared.set(term, (shared.get(term) ?? 0) + w);
            continue;
          }
          const byPath = hidden.get(term) ?? new Map<string, number>();
          byPath.set(t.path, (byPath.get(t.path) ?? 0) + w);
          hidden.set(term, byPath);
          hiddenLength += w;
        }
      }
      return { shared, hidden, hiddenLength };
    });
    const sum = (m: Map<string, number>) => [...m.values()].reduce((s, w) => s + w, 0);
    this.docs = items.map((item, i) => {
      const publicLength = sum(docTerms[i]!.shared);
      return { code: item.code, length: publicLength + docTerms[i]!.hiddenLength, publicLength };
    });
    this.avgLength = this.docs.reduce((s, d) => s + d.length, 0) / Math.max(1, this.docs.length);
    this.avgPublicLength = this.docs.reduce((s, d) => s + d.publicLength, 0) / Math.max(1, this.docs.length);
    docTerms.forEach(({ shared, hidden }, doc) => {
      const posting = (term: string) => {
        const list = this.postings.get(term) ?? [];
        let p = list[list.length - 1];
        if (p?.doc !== doc) {
          p = { doc, publicTf: 0, privateTf: [] };
          list.push(p);
          this.postings.set(term, list);
        }
        return p;
      };
      for (const [term, tf] of shared) posting(term).publicTf += tf;
      for (const [term, byPath] of hidden) {
        const p = posting(term);
        for (const [path, tf] of byPath) p.privateTf.push({ path, tf });
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
   * Learned words count only where shared (MIN_SHARED_REPORTERS), or where the audience may read the
   * case that holds them; without an audience (tests, the bench, the 12345 import's own classification,
   * which shows nobody the words) every word counts.
   */
  suggest(
    text: string,
    options: { limit: number; allowed?: ReadonlySet<string> | undefined; audience?: Audience },
  ): Suggestion[] {
    const { audience } = options;
    const isPublic = audience !== undefined;
    const avgLength = isPublic ? this.avgPublicLength : this.avgLength;
    const scores = new Float64Array(this.docs.length);
    for (const [term, qw] of termsOf(text)) {
      const list = this.postings.get(term);
      if (list === undefined) continue;
      const idf = this.idf.get(term) ?? 0;
      for (const posting of list) {
        let tf = posting.publicTf;
        for (const hidden of posting.privateTf)
          if (audience === undefined || audience.canRead(hidden.path)) tf += hidden.tf;
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

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

interface Doc {
  code: string;
  terms: Map<string, number>;
  length: number;
}

/**
 * BM25 over each item's weighted terms. Built in memory from the current duty list and the
 * re-classified cases; `suggest` is a few dictionary look-ups per query term.
 */
export class SuggestModel {
  private readonly docs: Doc[];
  private readonly idf = new Map<string, number>();
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private readonly avgLength: number;

  constructor(items: readonly ItemText[]) {
    this.docs = items.map((item) => {
      const terms = new Map<string, number>();
      const merge = (text: string, weight: number) => {
        for (const [t, w] of termsOf(text, weight)) terms.set(t, (terms.get(t) ?? 0) + w);
      };
      merge(item.name, FIELD_WEIGHTS.name);
      for (const k of item.keywords) merge(k, FIELD_WEIGHTS.keywords);
      for (const p of item.phrases) merge(p, FIELD_WEIGHTS.phrases);
      for (const l of item.learned) merge(l, FIELD_WEIGHTS.learned);
      merge(item.category.join(' '), FIELD_WEIGHTS.category);
      merge(item.description, FIELD_WEIGHTS.description);
      let length = 0;
      for (const w of terms.values()) length += w;
      return { code: item.code, terms, length };
    });
    this.avgLength = this.docs.reduce((s, d) => s + d.length, 0) / Math.max(1, this.docs.length);
    this.docs.forEach((d, doc) => {
      for (const [term, tf] of d.terms) {
        const list = this.postings.get(term) ?? [];
        list.push({ doc, tf });
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

  /** The best `limit` items for a text, best first; only items the text has some word in common with. */
  suggest(text: string, options: { limit: number; allowed?: ReadonlySet<string> | undefined }): Suggestion[] {
    const scores = new Float64Array(this.docs.length);
    for (const [term, qw] of termsOf(text)) {
      const list = this.postings.get(term);
      if (list === undefined) continue;
      const idf = this.idf.get(term) ?? 0;
      for (const { doc, tf } of list) {
        const d = this.docs[doc]!;
        const norm = tf + K1 * (1 - B + (B * d.length) / this.avgLength);
        scores[doc] = scores[doc]! + qw * idf * ((tf * (K1 + 1)) / norm);
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

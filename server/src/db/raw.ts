import { CompiledQuery, type Kysely } from 'kysely';
import { dialectOf } from './database.ts';
import type { DB } from './types.ts';

/**
 * Runs SQL text with `?` placeholders on either engine, without building it through Kysely. Only for
 * the few hot reads where building and compiling the query costs more than running it (a dashboard
 * panel of one grid is a single indexed read); everything else uses the query builder.
 */
export async function rawRows<R>(db: Kysely<DB>, text: string, parameters: readonly unknown[]): Promise<R[]> {
  const source = dialectOf(db) === 'postgres' ? numbered(text) : text;
  return (await db.executeQuery<R>(CompiledQuery.raw(source, [...parameters]))).rows;
}

const numberedTexts = new Map<string, string>();

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the texts given here hold no `?` inside literals). */
function numbered(text: string): string {
  let out = numberedTexts.get(text);
  if (out === undefined) {
    let i = 0;
    out = text.replace(/\?/g, () => `$${++i}`);
    if (numberedTexts.size < 1000) numberedTexts.set(text, out);
  }
  return out;
}

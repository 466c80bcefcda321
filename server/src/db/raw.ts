import crypto from 'node:crypto';
import { type Database, preparedStatement } from './database.ts';

/**
 * Runs SQL text with `?` placeholders on either engine, on the raw driver: better-sqlite3's statement
 * cache, or a named PostgreSQL prepared statement (parsed and planned once per connection rather than for
 * every call, where planning alone costs about half a millisecond). Only for the few hot reads outside
 * transactions where building, compiling and planning a query cost more than running it — a dashboard
 * panel of one grid is a single indexed read. Everything else uses the query builder.
 */
export async function rawRows<R>(database: Database, text: string, parameters: readonly unknown[]): Promise<R[]> {
  // on SQLite the read-only connection: the writer's may hold a batch not yet committed (db/group-commit.ts)
  const sqlite = database.sqliteReader ?? database.sqlite;
  if (sqlite !== undefined) return preparedStatement(sqlite, text).all(...parameters) as R[];
  const statement = numbered(text);
  const result = await database.pool!.query<R & object>({
    name: statement.name,
    text: statement.text,
    values: [...parameters],
  });
  return result.rows;
}

const numberedTexts = new Map<string, { name: string; text: string }>();

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the texts given here hold no `?` inside literals), and a name. */
function numbered(text: string): { name: string; text: string } {
  let out = numberedTexts.get(text);
  if (out === undefined) {
    let i = 0;
    out = {
      name: `tz_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 20)}`,
      text: text.replace(/\?/g, () => `$${++i}`),
    };
    if (numberedTexts.size < 1000) numberedTexts.set(text, out);
  }
  return out;
}

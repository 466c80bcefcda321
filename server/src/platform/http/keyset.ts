import { z } from 'zod';

/**
 * Where a keyset page starts: just after (older than) or just before (newer than) one row, named by the
 * list's sort keys — its time and its id, the tie-breaker. Reading from a position costs one index seek
 * however deep the page, where OFFSET walks every row before it (issue 18).
 */
export interface KeysetPosition {
  direction: 'after' | 'before';
  at: string;
  id: string;
}

/** The position as the client carries it: opaque base64url JSON, handed back unchanged. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ d: position.direction, a: position.at, i: position.id })).toString('base64url');
}

const Payload = z.strictObject({
  d: z.enum(['after', 'before']),
  a: z.iso.datetime({ offset: true }),
  i: z.uuid(),
});

function decodeCursor(text: string): KeysetPosition | null {
  const bytes = Buffer.from(text, 'base64url');
  // Node skips what it cannot decode; only the exact text this module wrote is a cursor
  if (bytes.toString('base64url') !== text) return null;
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = Payload.safeParse(json);
  return parsed.success ? { direction: parsed.data.d, at: parsed.data.a, id: parsed.data.i } : null;
}

/** A `cursor` query field: a position a list handed out, or a 400 naming the field (never a 500). */
export const Cursor = z
  .string()
  .max(256)
  .regex(/^[A-Za-z0-9_-]+$/, { message: 'Not a cursor this list handed out' })
  .transform((text, ctx) => {
    const position = decodeCursor(text);
    if (position !== null) return position;
    ctx.addIssue({
      code: 'custom',
      message: 'Not a cursor this list handed out: start again from the first page',
      params: { code: 'invalid_cursor', zh: '翻页位置无效，请从第一页重新开始' },
    });
    return z.NEVER;
  })
  .describe('nextCursor or prevCursor of the page before; omitted for the first page');

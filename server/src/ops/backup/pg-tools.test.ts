import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPgTool, pgConnection } from './pg-tools.ts';

describe('finding pg_dump and pg_restore', () => {
  it('takes TIANZIGE_PG_BIN_DIR when set, and says clearly when the program is not there', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-pgbin-'));
    try {
      expect(() => findPgTool('pg_dump', { TIANZIGE_PG_BIN_DIR: dir, PATH: '' })).toThrow(
        new RegExp(`TIANZIGE_PG_BIN_DIR=${dir} holds no executable pg_dump`),
      );
      fs.writeFileSync(path.join(dir, 'pg_dump'), '#!/bin/sh\n', { mode: 0o700 });
      expect(findPgTool('pg_dump', { TIANZIGE_PG_BIN_DIR: dir, PATH: '' })).toBe(path.join(dir, 'pg_dump'));
      // found on PATH before Debian's versioned directories
      expect(findPgTool('pg_dump', { PATH: dir })).toBe(path.join(dir, 'pg_dump'));
      // a file that is not executable is not a program
      fs.chmodSync(path.join(dir, 'pg_dump'), 0o600);
      expect(() => findPgTool('pg_dump', { TIANZIGE_PG_BIN_DIR: dir })).toThrow(/holds no executable pg_dump/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands the password to the child in PGPASSWORD, not on its command line', () => {
    expect(pgConnection('postgres://tz:s%40cret@db.internal:5432/tianzige?sslmode=require')).toEqual({
      url: 'postgres://tz@db.internal:5432/tianzige?sslmode=require',
      env: { PGPASSWORD: 's@cret' },
    });
    expect(pgConnection('postgres://postgres@127.0.0.1:5432/x').env).toEqual({});
  });
});

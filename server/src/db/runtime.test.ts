import { describe, expect, it } from 'vitest';
import { DatabaseOpenError, checkSqliteRuntime } from './database.ts';

describe('the embedded engine and the Node.js it runs on', () => {
  it('refuses, with what to do, a Node.js without Node-API 10 (20.x, 22 before 22.14) instead of crashing', () => {
    for (const napi of ['9', '8', '']) {
      expect(() => checkSqliteRuntime(napi)).toThrow(DatabaseOpenError);
      expect(() => checkSqliteRuntime(napi)).toThrow(/22\.14.*npm start/s);
    }
    expect(() => checkSqliteRuntime('10')).not.toThrow();
    expect(() => checkSqliteRuntime('11')).not.toThrow();
  });

  it('runs the suite on a Node.js the engine supports (npm scripts use the project’s own Node.js 24)', () => {
    expect(Number(process.versions.napi)).toBeGreaterThanOrEqual(10);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
  });
});

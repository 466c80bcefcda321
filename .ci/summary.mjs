// Prints one closing line over every Vitest run of this CI job: the server suite and the browser suite on
// Node.js 24, the server suite on PostgreSQL partitioned by county, and the server suite again on Node.js 22.
import fs from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of [
  'server/.tmp/vitest-results.json',
  'server/.tmp/vitest-results-partitioned.json',
  'web/.tmp/vitest-e2e-results.json',
  'server/.tmp/vitest-results-node22.json',
]) {
  if (!fs.existsSync(file)) continue;
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

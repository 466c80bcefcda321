import { expect } from 'vitest';
import type { TestContext } from '../../test/harness.ts';
import { multipartBody, signInRaw } from '../../test/http.ts';
import type { ImportProblem } from './import/run.ts';

/**
 * Uploads a CSV ledger as `username` into `orgId` through the API and waits for its job to end: the job
 * row, its problems parsed.
 */
export async function importLedger(
  t: TestContext,
  username: string,
  orgId: string,
  csv: string,
  mode: 'valid-rows' | 'all-or-nothing' = 'valid-rows',
) {
  const client = await signInRaw(t.app, username);
  const { payload, contentType } = multipartBody({ orgId, mode }, [
    { field: 'file', fileName: 'ledger.csv', data: Buffer.from(csv) },
  ]);
  const res = await client.send({ method: 'POST', url: '/api/v1/residents/imports', payload, contentType });
  expect(res.statusCode, res.body).toBe(202);
  const jobId = res.json<{ id: string }>().id;
  for (let i = 0; i < 5000; i++) {
    const job = await t.deps.db.selectFrom('import_jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    if (job !== undefined && job.status !== 'running')
      return { ...job, problems: JSON.parse(job.problems ?? '[]') as ImportProblem[] };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('import did not finish');
}

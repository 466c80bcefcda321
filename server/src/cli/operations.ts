import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { UsageError } from './usage.ts';

/** `tianzige backup --out FILE`: one file holding the database, taken while the server runs. */
export async function backupFromCli(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  if (values.out === undefined) throw new UsageError('usage: tianzige backup --out FILE');
  const { createBackup } = await import('../ops/backup/backup.ts');
  const started = Date.now();
  const { manifest, bytes, isConfiguredKeyTheDatabases } = await createBackup(loadConfig(), { out: values.out });
  console.log(
    `backup written / 备份完成: ${values.out} (${manifest.engine}, ${(bytes / 1024 / 1024).toFixed(1)} MiB, ` +
      `${manifest.migrations.length} migrations, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  console.log(
    'the personal-data key is NOT in the backup: keep a copy of it apart / 备份不含个人信息密钥，请另行保管密钥',
  );
  if (isConfiguredKeyTheDatabases === false)
    console.error(
      'warning: the configured key is not the one this database was written with; keep the original key with this backup / ' +
        '警告：当前配置的密钥不是该数据库的密钥',
    );
}

/** `tianzige restore FILE`: into an empty data dir or database, with the original key in place. */
export async function restoreFromCli(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) throw new UsageError('usage: tianzige restore FILE');
  const { restoreBackup } = await import('../ops/backup/restore.ts');
  const { manifest, migrated } = await restoreBackup(loadConfig(), file);
  console.log(
    `restored / 已恢复: ${file} (${manifest.engine}, taken ${manifest.createdAt}); the key matches / 密钥一致`,
  );
  if (migrated.length > 0)
    console.log(`migrations applied after the restore / 恢复后执行的迁移: ${migrated.join(', ')}`);
}

/** `tianzige doctor`: one line per check, exit code 1 when any fails. */
export async function doctorFromCli(): Promise<void> {
  const { runDoctor, formatDoctor } = await import('../ops/doctor.ts');
  const checks = await runDoctor();
  console.log(formatDoctor(checks));
  if (checks.some((c) => c.outcome === 'fail')) process.exitCode = 1;
}

/** `tianzige keys rotate [--batch N]`: re-encrypt every personal number under a new key while the server runs. */
export async function rotateKeysFromCli(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { batch: { type: 'string' }, 'settle-seconds': { type: 'string' } },
  });
  const batchSize = values.batch === undefined ? 500 : Number(values.batch);
  const settle = values['settle-seconds'] === undefined ? undefined : Number(values['settle-seconds']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000 || (settle !== undefined && !(settle >= 0)))
    throw new UsageError('usage: tianzige keys rotate [--batch 1..10000] [--settle-seconds S]');
  const { openCliDeps } = await import('./context.ts');
  const { rotatePiiKey } = await import('../ops/keys/rotate.ts');
  const config = loadConfig();
  const deps = await openCliDeps();
  try {
    const started = Date.now();
    const result = await rotatePiiKey(deps, config, {
      batchSize,
      ...(settle === undefined ? {} : { settleMs: settle * 1000 }),
      onProgress: (line) => console.log(line),
    });
    console.log(`${result.converted} values, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (result.retiredKeyFile !== null)
      console.log(
        `old key moved to ${result.retiredKeyFile}: keep it offline with the backups taken before this rotation / ` +
          '旧密钥已移至该文件：请与轮换前的备份一起离线保管',
      );
    if (result.environmentNote !== null) console.log(result.environmentNote);
  } finally {
    await deps.close();
  }
}

/** `tianzige keys status`: whether a rotation is under way and how far it has got. */
export async function keyStatusFromCli(): Promise<void> {
  const { openCliDeps } = await import('./context.ts');
  const { rotationStatus } = await import('../ops/keys/rotate.ts');
  const deps = await openCliDeps();
  try {
    console.log(await rotationStatus(deps.db));
  } finally {
    await deps.close();
  }
}

/** `tianzige audit archive --out DIR [--older-than-days N]`: audit rows past retention into a file, then out of the table. */
export async function archiveAuditFromCli(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, 'older-than-days': { type: 'string' } } });
  const days = values['older-than-days'] === undefined ? undefined : Number(values['older-than-days']);
  if (values.out === undefined || (days !== undefined && !Number.isInteger(days)))
    throw new UsageError('usage: tianzige audit archive --out DIR [--older-than-days N (≥ 180)]');
  const { openCliDeps } = await import('./context.ts');
  const { archiveAudit } = await import('../ops/retention/audit-archive.ts');
  const deps = await openCliDeps();
  try {
    const result = await archiveAudit(deps, {
      outDir: values.out,
      ...(days === undefined ? {} : { olderThanDays: days }),
    });
    console.log(
      result === null
        ? 'no audit rows past the retention period / 没有超过保留期限的审计记录'
        : `archived / 已归档 ${result.rows} audit rows before ${result.throughAt} to ${result.file} (sha256 ${result.sha256})`,
    );
  } finally {
    await deps.close();
  }
}

/** `tianzige retention photos --closed-days N`: photos of cases closed more than N days ago are removed. */
export async function removePhotosFromCli(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'closed-days': { type: 'string' } } });
  const days = Number(values['closed-days']);
  if (values['closed-days'] === undefined || !Number.isInteger(days))
    throw new UsageError('usage: tianzige retention photos --closed-days N (≥ 30)');
  const { openCliDeps } = await import('./context.ts');
  const { removeOldCasePhotos } = await import('../ops/retention/photos.ts');
  const deps = await openCliDeps();
  try {
    const { cases, photos } = await removeOldCasePhotos(deps, { closedDays: days });
    console.log(`removed / 已删除 ${photos} photos of ${cases} cases closed more than ${days} days ago`);
  } finally {
    await deps.close();
  }
}

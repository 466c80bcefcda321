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

#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so operators need no build step.
// A small young generation: Node sizes it by the machine's memory (128 MiB here), and a bulk command
// (a ledger import of millions of rows) keeps that much short-lived garbage resident for nothing.
// The same process is restarted with the flag (execve keeps its pid, so a kill still reaches it).
const YOUNG = '--max-semi-space-size=4';
if (typeof process.execve === 'function' && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  process.execve(process.execPath, [process.execPath, YOUNG, ...process.execArgv, ...process.argv.slice(1)]);
}

const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/main.ts');

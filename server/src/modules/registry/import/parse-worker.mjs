// The ledger reader's thread entry: TypeScript through tsx, as the CLI and the server run it.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');

import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * A full garbage collection, now. V8 lets the heap grow far past what a long bulk job keeps alive
 * (a million-row import churned through 1.4 GB while holding under 300 MB); collecting every so many
 * rows keeps such a job's memory flat, at a few hundred milliseconds each time.
 */
export function collectGarbage(): void {
  gc();
}

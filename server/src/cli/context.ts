import { loadConfig } from '../config.ts';
import { openDeps } from '../open-deps.ts';
import type { AppDeps } from '../platform/deps.ts';

/** Opens the database the environment names (the same one a running server uses) for a CLI command. */
export function openCliDeps(options: { migrate?: boolean } = {}): Promise<AppDeps & { close(): Promise<void> }> {
  return openDeps(loadConfig(), options);
}

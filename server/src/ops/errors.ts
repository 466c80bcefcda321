/** An operation (backup, restore, doctor) that cannot go on: one line for the operator, zh and en, exit code 1. */
export class OpsError extends Error {
  constructor(zh: string, en: string) {
    super(`${zh} / ${en}`);
  }
}

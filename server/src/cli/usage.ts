/** A command line that does not make sense: printed as one line, exit code 1. */
export class UsageError extends Error {}

import type { AuditWho } from '../platform/audit/service.ts';

/** Who the audit log names for an operator's command run on the server's machine. */
export const CLI_WHO: AuditWho = { actorId: null, actorName: 'cli', ip: null, userAgent: 'tianzige-cli' };

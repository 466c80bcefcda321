import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, isWithin } from '../../platform/access/scope.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { getDecisionInScope, lookUpDecisionFacts } from '../councils/decisions.ts';

/** A council decision as the fund needs it: what it is called, where it was taken, and whether it passed. */
export interface DecisionRef {
  id: string;
  title: string;
  orgPath: string;
  isAdopted: boolean;
}

/**
 * The decision that approves a spending (or a levy): it must exist, have been adopted, and have been
 * taken by a council of the fund's compound or of a unit above it (the community's council).
 */
export async function requireApprovingDecision(
  db: Kysely<DB>,
  actor: Actor,
  decisionId: string | undefined,
  compoundPath: string,
): Promise<DecisionRef> {
  if (decisionId === undefined) {
    throw invalidField('decisionId', 'required', {
      zh: '支出须有议事会决议',
      en: 'A spending needs the council decision that approved it',
    });
  }
  // the councils module's lookup: a decision the actor may see (council.manage), else 404
  const row = await getDecisionInScope(db, actor, decisionId).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  });
  const found: DecisionRef | undefined =
    row === undefined
      ? undefined
      : { id: row.id, title: row.title, orgPath: row.org_path, isAdopted: row.result === 'adopted' };
  if (found === undefined || !isWithin(compoundPath, found.orgPath)) {
    throw invalidField('decisionId', 'unknown_decision', {
      zh: '找不到本小区（或其社区）议事会的这项决议',
      en: 'No such decision of this compound’s (or its community’s) council',
    });
  }
  if (!found.isAdopted) {
    throw invalidField('decisionId', 'not_adopted', {
      zh: '该决议未获通过，不能据此支出',
      en: 'The decision was not adopted; nothing can be spent under it',
    });
  }
  return found;
}

/** Titles of the decisions movements name, for the ledger (an unknown id reads as itself). */
export async function decisionTitles(db: Kysely<DB>, ids: string[]): Promise<Map<string, string>> {
  const found = await lookUpDecisionFacts(db, ids);
  return new Map([...found.values()].map((d) => [d.id, d.title]));
}

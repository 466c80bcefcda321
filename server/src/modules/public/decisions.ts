import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { listPublicDecisions } from '../councils/decisions.ts';

/**
 * 议事公开: a community's council decisions on its public page — what was decided, the votes, the
 * funding split, the milestones and progress (Decidim's accountability). Council decisions are public
 * unless staff marked one otherwise; no resident is named.
 */
export async function getPublicDecisions(deps: AppDeps, code: string) {
  const community = await deps.db
    .selectFrom('org_units')
    .select(['path', 'code', 'name'])
    .where('code', '=', code)
    .where('level', '=', 'community')
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (community === undefined) {
    throw new AppError('NOT_FOUND', {
      zh: `没有代码为 ${code} 的社区，请从社区列表中选择`,
      en: `No community has the code ${code}; choose one from the list`,
    });
  }
  return {
    community: { code, name: community.name },
    items: await listPublicDecisions(deps.db, community.path),
  };
}

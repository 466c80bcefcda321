import { z } from 'zod';
import type { AppDeps } from '../../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../../platform/http/route.ts';
import { suggestDutyItems } from './service.ts';

/** A resident's description is at most a case's (2000); a suggestion needs far less. */
export const MAX_SUGGEST_TEXT = 500;

export const SuggestBody = z.strictObject({
  text: z.string().trim().min(1).max(MAX_SUGGEST_TEXT).describe('the problem in the resident’s own words'),
  limit: z.number().int().min(1).max(5).optional(),
});

export const SuggestOut = z.object({
  items: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      category: z.tuple([z.string(), z.string()]),
      score: z.number().describe('BM25 score: higher is likelier; comparable within one answer only'),
    }),
  ),
});

export function dutySuggestRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/duties/suggest',
      summary: '按描述推荐诉求类别（前三）/ Suggest duty items from a description (top 3)',
      tags: ['duties'],
      auth: 'authenticated',
      scope: { none: 'duty items are city-wide reference data, the same for every unit' },
      body: SuggestBody,
      response: SuggestOut,
      handler: ({ actor, body }) => suggestDutyItems(deps, actor, { text: body.text, limit: body.limit ?? 3 }),
    }),
  ];
}

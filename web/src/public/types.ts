import type { z } from 'zod';
import type {
  CommunityList as CommunityListSchema,
  CommunityPage as CommunityPageSchema,
} from '../../../server/src/modules/public/schema.ts';

/**
 * The public pages' answers, typed from the server's own response schemas (as shared/case-states.ts
 * takes the state names): the requests go out without the typed client so that they carry no cookie.
 */
export type CommunityPage = z.infer<typeof CommunityPageSchema>;
export type CommunityList = z.infer<typeof CommunityListSchema>;
export type PublicCommunity = CommunityList['communities'][number];

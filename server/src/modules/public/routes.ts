import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { CommunityCode, CommunityList, CommunityListQuery, CommunityPage, PAGE_MAX_AGE_SECONDS } from './schema.ts';
import { getCommunityPage, listPublicCommunities } from './service.ts';
import { getPublicDecisions } from './decisions.ts';
import { PublicDecisionList } from '../councils/schema.ts';
import { getPublicVenueCalendar } from '../venues/calendar.ts';
import { CalendarQuery, PublicVenueCalendar } from '../venues/schema.ts';

/** Anyone may read these; per source address, generous for people, tight for scrapers. */
const PUBLIC_LIMIT = { max: 120, timeWindow: '1 minute' };
const NO_ACTOR = 'public pages name communities by their division code and hold no scoped object';

/** True when the client's If-None-Match names this tag (or is `*`). */
function isNotModified(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim());
  return tags.some((t) => t === '*' || t === etag || t === `W/${etag}`);
}

export function publicRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/public/communities',
      summary: '公开页：社区列表 / Public pages: communities',
      tags: ['public'],
      auth: 'public',
      scope: { none: NO_ACTOR },
      rateLimit: PUBLIC_LIMIT,
      query: CommunityListQuery,
      response: CommunityList,
      handler: async ({ query, reply }) => {
        void reply.header('cache-control', `public, max-age=${PAGE_MAX_AGE_SECONDS}`);
        return listPublicCommunities(deps, query);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/public/communities/:code',
      summary: '公开页：社区本月诉求、三率与权责清单 / Public page of a community: this month, three rates, duty list',
      tags: ['public'],
      auth: 'public',
      scope: { none: NO_ACTOR },
      rateLimit: PUBLIC_LIMIT,
      params: CommunityCode,
      response: CommunityPage,
      isRaw: true,
      handler: async ({ params, request, reply }) => {
        const page = await getCommunityPage(deps, params.code);
        void reply.header('cache-control', `public, max-age=${PAGE_MAX_AGE_SECONDS}`).header('etag', page.etag);
        if (isNotModified(request.headers['if-none-match'], page.etag)) void reply.code(304).send();
        else void reply.type('application/json; charset=utf-8').send(page.body);
        // the reply is written; `response` documents the body
        return undefined as unknown as CommunityPage;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/public/communities/:code/decisions',
      summary: '公开页：议事决定与落实进度 / Public page: council decisions and their follow-up',
      tags: ['public'],
      auth: 'public',
      scope: { none: NO_ACTOR },
      rateLimit: PUBLIC_LIMIT,
      params: CommunityCode,
      response: PublicDecisionList,
      handler: async ({ params, reply }) => {
        void reply.header('cache-control', `public, max-age=${PAGE_MAX_AGE_SECONDS}`);
        return getPublicDecisions(deps, params.code);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/public/communities/:code/venue-calendar',
      summary:
        '公开页：党群服务中心一周活动与活动室预约（不含预约人）/ Public page: a week of activities and room bookings, naming no one',
      tags: ['public'],
      auth: 'public',
      scope: { none: NO_ACTOR },
      rateLimit: PUBLIC_LIMIT,
      params: CommunityCode,
      query: CalendarQuery,
      response: PublicVenueCalendar,
      handler: async ({ params, query, reply }) => {
        void reply.header('cache-control', `public, max-age=${PAGE_MAX_AGE_SECONDS}`);
        return getPublicVenueCalendar(deps, params.code, query.from);
      },
    }),
  ];
}

import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';

export const VERSION = '0.1.0';

const Meta = z.object({ version: z.string(), tileUrl: z.string().nullable() });

export function metaRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/meta',
      summary: '平台信息 / Platform information',
      tags: ['meta'],
      auth: 'public',
      response: Meta,
      handler: () => Promise.resolve({ version: VERSION, tileUrl: deps.config.tileUrl ?? null }),
    }),
  ];
}

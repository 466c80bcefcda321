import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { MapSettings, resolveMapSettings } from './map-settings.ts';

export const VERSION = '0.1.0';

const Meta = z.object({ version: z.string(), map: MapSettings });

export function metaRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/meta',
      summary: '平台信息 / Platform information',
      tags: ['meta'],
      auth: 'public',
      response: Meta,
      handler: () => Promise.resolve({ version: VERSION, map: resolveMapSettings(deps.config) }),
    }),
  ];
}

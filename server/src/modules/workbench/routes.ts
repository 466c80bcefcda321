import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { Workbench } from './schema.ts';
import { getWorkbench } from './service.ts';

/** 工作台: every staff member's to-do list in one request. */
export function workbenchRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/workbench',
      summary: '工作台：待办（待签收、临期、待确认变更、待报送任务、走访逾期、迁入申请）/ Workbench: the to-do list',
      tags: ['workbench'],
      auth: 'authenticated',
      response: Workbench,
      handler: ({ actor }) => getWorkbench(deps, actor),
    }),
  ];
}

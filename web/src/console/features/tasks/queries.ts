import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { tasksApi, type TaskBox } from './api';

/** Query keys of tasks; invalidating `taskKeys.all` refreshes boxes and details. */
export const taskKeys = {
  all: ['tasks'] as const,
  box: (box: TaskBox, page: number) => ['tasks', 'box', box, page] as const,
  detail: (id: string) => ['tasks', 'detail', id] as const,
};

export const useTaskBox = (box: TaskBox, page: number, isEnabled = true) =>
  useQuery({
    queryKey: taskKeys.box(box, page),
    queryFn: () => tasksApi.list({ box, page, pageSize: 20 }),
    placeholderData: keepPreviousData,
    enabled: isEnabled,
  });

export const useTask = (id: string | undefined) =>
  useQuery({
    queryKey: taskKeys.detail(id ?? ''),
    queryFn: () => tasksApi.detail(id!),
    enabled: id !== undefined,
  });

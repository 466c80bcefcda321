import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useNavigate } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { registryKeys } from '../registry/queries';
import { reportsApi } from './api';

/**
 * The platform's built-in care tags (server migration 0002), for template authors who may not read
 * the registry (a department): the server still checks every tag a template names.
 */
const BUILTIN_CARE_TAGS = [
  { code: 'living_alone', name: '独居老人' },
  { code: 'empty_nest', name: '空巢老人' },
  { code: 'over_80', name: '高龄' },
  { code: 'disabled', name: '残疾人' },
  { code: 'dibao', name: '低保户' },
  { code: 'destitute', name: '特困人员' },
  { code: 'left_behind_child', name: '留守儿童' },
  { code: 'child_in_difficulty', name: '困境儿童' },
  { code: 'veteran', name: '退役军人' },
  { code: 'party_member', name: '党员' },
  { code: 'unemployed', name: '失业人员' },
];

/** Query keys of report templates and generated reports; invalidating `reportKeys.all` refreshes them all. */
export const reportKeys = {
  all: ['reports'] as const,
  metrics: () => ['reports', 'metrics'] as const,
  templates: () => ['reports', 'templates'] as const,
  template: (id: string) => ['reports', 'template', id] as const,
  history: (query: { orgId?: string; page: number }) => ['reports', 'history', query] as const,
  report: (id: string) => ['reports', 'report', id] as const,
};

export const useMetrics = () =>
  useQuery({ queryKey: reportKeys.metrics(), queryFn: reportsApi.metrics, staleTime: 10 * 60_000 });

export const useTemplates = () => useQuery({ queryKey: reportKeys.templates(), queryFn: reportsApi.templates });

/** Copies a template (another unit's, which only its owner may change) into one of ours and opens the copy. */
export function useCopyTemplate() {
  const i18n = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: (id: string) => reportsApi.copyTemplate(id),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: reportKeys.all });
      void message.success(i18n.t('reports.copied'));
      void navigate(`/reports/templates/${saved.id}`);
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });
}

export const useTemplate = (id: string | undefined) =>
  useQuery({
    queryKey: reportKeys.template(id ?? ''),
    queryFn: () => reportsApi.template(id!),
    enabled: id !== undefined,
  });

export const useReportHistory = (query: { orgId?: string; page: number }) =>
  useQuery({
    queryKey: reportKeys.history(query),
    queryFn: () => reportsApi.reports({ ...query, pageSize: 20 }),
    placeholderData: keepPreviousData,
  });

export const useReport = (id: string | undefined) =>
  useQuery({
    queryKey: reportKeys.report(id ?? ''),
    queryFn: () => reportsApi.report(id!),
    enabled: id !== undefined,
  });

/** Care tags a filter may name: the registry's own list, or the built-in ones for those who cannot read it. */
export function useCareTagOptions(): { code: string; name: string }[] {
  const { can } = useAuth();
  const canRead = can('resident.read');
  const tags = useQuery({
    queryKey: registryKeys.careTags(),
    queryFn: async () => (await unwrap(api.GET('/api/v1/care-tags'))).items,
    staleTime: 5 * 60_000,
    enabled: canRead,
  });
  return canRead ? (tags.data ?? []) : BUILTIN_CARE_TAGS;
}

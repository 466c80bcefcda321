import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, type FormInstance } from 'antd';
import { ApiError } from '../../../api/client';
import type { CaseDetail } from '../../../api/types';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { runCaseAction, type ActionInput } from './caseActions';
import { applyCaseChange, caseKeys } from './queries';
import { ACTION_LABEL, type CaseAction } from './vocabulary';

const FORM_FIELDS = ['reason', 'result', 'text', 'toOrgId', 'dutyCode', 'intoCaseId', 'photos'];

/**
 * Runs workflow actions on one case. On success the page shows the detail the server returned; on
 * 409 (someone else changed the case, or it moved on) it says so and reloads the case.
 */
export function useCaseAction(detail: CaseDetail, options: { form?: FormInstance; onDone?: () => void } = {}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();

  return useMutation({
    mutationFn: ({ action, input }: { action: CaseAction; input: ActionInput }) => runCaseAction(detail, action, input),
    onSuccess: async (next, { action }) => {
      void message.success(t('cases.action.done', { action: t(ACTION_LABEL[action]) }));
      options.onDone?.();
      await applyCaseChange(queryClient, next);
    },
    onError: async (error) => {
      if (error instanceof ApiError && error.status === 409) {
        void message.error(errorText(error, i18n));
        options.onDone?.();
        await queryClient.invalidateQueries({ queryKey: caseKeys.detail(detail.id) });
        return;
      }
      if (options.form === undefined || !showFieldErrors(options.form, error, i18n, FORM_FIELDS)) {
        void message.error(errorText(error, i18n));
      }
    },
  });
}

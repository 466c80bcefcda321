import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Checkbox, DatePicker, Form, Input, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { useOrgUnit } from '../orgs/queries';
import { reportsApi, type TemplateSummary } from './api';
import { ReportResult } from './ReportResult';

interface GenerateValues {
  orgId: string;
  period: dayjs.Dayjs;
  isUnmasked?: boolean;
  reason?: string;
}

/** Generates a report from a template for a unit and a month, then shows what it filled and offers the .xlsx. */
export function GenerateModal({ template, onClose }: { template: TemplateSummary | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<GenerateValues>();
  const [reportId, setReportId] = useState<string | null>(null);
  const isUnmasked = Form.useWatch('isUnmasked', form) === true;
  const firstUnit = useOrgUnit(me?.assignments[0]?.orgId);
  // a department generates for its district (and every unit in it): start the picker there
  const district = useOrgUnit(
    firstUnit.data?.level === 'department' ? (firstUnit.data.parentId ?? undefined) : undefined,
  );
  const myUnit = firstUnit.data?.level === 'department' ? district : firstUnit;
  useEffect(() => {
    if (myUnit.data !== undefined && form.getFieldValue('orgId') === undefined) {
      form.setFieldValue('orgId', myUnit.data.id);
    }
  }, [myUnit.data, form]);

  const generate = useMutation({
    mutationFn: (values: GenerateValues) =>
      reportsApi.generate({
        templateId: template!.id,
        orgId: values.orgId,
        period: values.period.format('YYYY-MM'),
        ...(values.isUnmasked === true ? { reveal: { reason: values.reason ?? '' } } : {}),
      }),
    onSuccess: async (report) => {
      setReportId(report.id);
      await queryClient.invalidateQueries({ queryKey: ['reports', 'history'] });
      await queryClient.invalidateQueries({ queryKey: ['insights'] });
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const close = () => {
    setReportId(null);
    generate.reset();
    onClose();
  };
  const isRoster = template?.rowKind === 'roster';

  return (
    <Modal
      title={template === null ? '' : t('reports.generateTitle', { name: template.name })}
      open={template !== null}
      onCancel={close}
      width={reportId === null ? 520 : 960}
      okText={reportId === null ? t('reports.generate') : t('common.close')}
      onOk={() => (reportId === null ? form.submit() : close())}
      cancelButtonProps={reportId === null ? {} : { style: { display: 'none' } }}
      confirmLoading={generate.isPending}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'generate-confirm' }}
    >
      {reportId !== null ? (
        <ReportResult reportId={reportId} />
      ) : (
        <Form<GenerateValues>
          form={form}
          layout="vertical"
          initialValues={{ orgId: myUnit.data?.id, period: dayjs().tz(DISPLAY_ZONE) }}
          onFinish={(values) => generate.mutate(values)}
          data-testid="generate-form"
        >
          <Form.Item name="orgId" label={t('reports.org')} rules={[{ required: true, message: t('common.required') }]}>
            <OrgUnitSelect key={myUnit.data?.id ?? 'none'} initialUnit={myUnit.data} data-testid="generate-org" />
          </Form.Item>
          <Form.Item
            name="period"
            label={t('reports.period')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <DatePicker picker="month" allowClear={false} style={{ width: '100%' }} />
          </Form.Item>
          {isRoster && can('pii.reveal') && (
            <>
              <Form.Item name="isUnmasked" valuePropName="checked">
                <Checkbox>{t('reports.unmask')}</Checkbox>
              </Form.Item>
              {isUnmasked && (
                <Form.Item
                  name="reason"
                  label={t('reports.unmaskReason')}
                  rules={[{ required: true, message: t('common.required') }]}
                >
                  <Input.TextArea rows={2} maxLength={200} />
                </Form.Item>
              )}
            </>
          )}
          {isRoster && <Alert type="info" showIcon title={t('reports.rosterMasked')} />}
        </Form>
      )}
    </Modal>
  );
}

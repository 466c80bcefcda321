import { DownloadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Flex, Form, Radio, Space, Typography } from 'antd';
import { downloadFile } from '../../../api/client';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { useOrgUnit } from '../orgs/queries';

export interface ImportSettings {
  orgId: string;
  mode: 'all-or-nothing' | 'valid-rows';
  onDuplicate: 'skip' | 'update';
}

/** Step 1: the template, the unit the ledger belongs to, and what to do with bad rows and known people. */
export function ImportSettingsStep({
  initial,
  onNext,
}: {
  initial: ImportSettings | null;
  onNext: (settings: ImportSettings) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<ImportSettings>();
  // the unit of the user's first role is the usual target
  const defaultOrgId = initial?.orgId ?? me?.assignments[0]?.orgId;
  const defaultUnit = useOrgUnit(defaultOrgId);

  const template = useMutation({
    mutationFn: () => downloadFile('/api/v1/residents/import-template', `${t('import.templateName')}.xlsx`),
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  return (
    <Flex vertical gap={24}>
      <Flex
        align="center"
        justify="space-between"
        gap={16}
        style={{ padding: '16px 20px', background: '#f6f8fb', border: '1px solid #e6ebf2', borderRadius: 8 }}
      >
        <div>
          <Typography.Text strong>{t('import.templateTitle')}</Typography.Text>
          <div>
            <Typography.Text type="secondary">{t('import.templateHint')}</Typography.Text>
          </div>
        </div>
        <Button
          icon={<DownloadOutlined />}
          loading={template.isPending}
          onClick={() => template.mutate()}
          data-testid="download-template"
        >
          {t('import.downloadTemplate')}
        </Button>
      </Flex>
      {defaultOrgId !== undefined && defaultUnit.isPending ? null : (
        <Form<ImportSettings>
          form={form}
          layout="vertical"
          initialValues={{ mode: 'all-or-nothing', onDuplicate: 'skip', ...initial, orgId: defaultOrgId }}
          onFinish={onNext}
          data-testid="import-settings"
        >
          <Form.Item
            name="orgId"
            label={t('import.target')}
            extra={t('import.targetHint')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <OrgUnitSelect initialUnit={defaultUnit.data} style={{ maxWidth: 420 }} data-testid="import-target" />
          </Form.Item>
          <Form.Item name="mode" label={t('import.mode')}>
            <Radio.Group>
              <Space orientation="vertical">
                <Radio value="all-or-nothing">
                  {t('import.mode.allOrNothing')}
                  <Typography.Text type="secondary"> — {t('import.mode.allOrNothingHint')}</Typography.Text>
                </Radio>
                <Radio value="valid-rows">
                  {t('import.mode.validRows')}
                  <Typography.Text type="secondary"> — {t('import.mode.validRowsHint')}</Typography.Text>
                </Radio>
              </Space>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="onDuplicate" label={t('import.onDuplicate')}>
            <Radio.Group>
              <Space orientation="vertical">
                <Radio value="skip">
                  {t('import.onDuplicate.skip')}
                  <Typography.Text type="secondary"> — {t('import.onDuplicate.skipHint')}</Typography.Text>
                </Radio>
                <Radio value="update">
                  {t('import.onDuplicate.update')}
                  <Typography.Text type="secondary"> — {t('import.onDuplicate.updateHint')}</Typography.Text>
                </Radio>
              </Space>
            </Radio.Group>
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="import-next">
            {t('import.next')}
          </Button>
        </Form>
      )}
    </Flex>
  );
}

import { RedoOutlined } from '@ant-design/icons';
import { App, Button, Flex, Form, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { errorText } from '../../shared/errors';
import { useI18n } from '../i18n';
import { VoiceTextArea } from '../elder/VoiceTextArea';
import { useReopenCase } from './api';

/** 重新打开: a button that asks why, then sends the case back to its handler. */
export function ReopenForm({ caseId }: { caseId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const reopen = useReopenCase(caseId);
  const [isOpen, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();

  const submit = async ({ reason }: { reason: string }) => {
    try {
      await reopen.mutateAsync(reason.trim());
      setOpen(false);
      form.resetFields();
      void message.success(t('phone.reopen.done'));
    } catch (error) {
      const fieldError = error instanceof ApiError ? error.errors.find((e) => e.field === 'reason') : undefined;
      if (fieldError !== undefined) {
        form.setFields([
          { name: 'reason', errors: [i18n.pick({ zh: fieldError.message_zh, en: fieldError.message_en })] },
        ]);
      } else {
        void message.error(errorText(error, i18n));
      }
    }
  };

  return (
    <section className="tz-phone-section" data-testid="reopen">
      <Typography.Paragraph type="secondary" style={{ marginBottom: isOpen ? 10 : 8 }}>
        {t('phone.reopen.hint')}
      </Typography.Paragraph>
      {!isOpen ? (
        <Button block icon={<RedoOutlined />} onClick={() => setOpen(true)}>
          {t('phone.reopen.button')}
        </Button>
      ) : (
        <Form form={form} layout="vertical" className="tz-phone-form" onFinish={(v) => void submit(v)}>
          <Form.Item
            name="reason"
            label={t('phone.reopen.reason')}
            rules={[
              { required: true, whitespace: true, message: t('phone.reopen.reasonShort') },
              { min: 2, message: t('phone.reopen.reasonShort') },
            ]}
          >
            <VoiceTextArea
              autoFocus
              autoSize={{ minRows: 2, maxRows: 5 }}
              maxLength={500}
              placeholder={t('phone.reopen.reasonPlaceholder')}
            />
          </Form.Item>
          <Flex gap={8}>
            <Button block onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button block danger type="primary" htmlType="submit" loading={reopen.isPending}>
              {t('phone.reopen.confirm')}
            </Button>
          </Flex>
        </Form>
      )}
    </section>
  );
}

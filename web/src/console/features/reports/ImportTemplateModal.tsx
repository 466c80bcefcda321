import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Input, Modal, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../../api/client';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { reportsApi } from './api';
import { reportKeys } from './queries';

/** Imports a template written as JSON (pasted or from a .json file); the server names any problem by its field. */
export function ImportTemplateModal({ isOpen, onClose }: { isOpen: boolean; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<string[]>([]);

  const importTemplate = useMutation({
    mutationFn: (body: unknown) => reportsApi.importTemplate(body),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: reportKeys.templates() });
      void message.success(t('reports.imported', { version: created.version }));
      setText('');
      setProblems([]);
      onClose();
    },
    onError: (error) =>
      setProblems(
        error instanceof ApiError && error.errors.length > 0
          ? error.errors.map((e) => `${e.field}: ${i18n.pick({ zh: e.message_zh, en: e.message_en })}`)
          : [errorText(error, i18n)],
      ),
  });

  const submit = () => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      setProblems([t('reports.badJson', { detail: (error as Error).message })]);
      return;
    }
    importTemplate.mutate(body);
  };

  return (
    <Modal
      title={t('reports.importJson')}
      open={isOpen}
      onCancel={onClose}
      onOk={submit}
      okText={t('reports.importConfirm')}
      okButtonProps={{ disabled: text.trim() === '' }}
      confirmLoading={importTemplate.isPending}
      width={680}
      destroyOnHidden
    >
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">{t('reports.importHint')}</Typography.Text>
        <Upload
          accept=".json,application/json"
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then(setText);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />}>{t('reports.pickJsonFile')}</Button>
        </Upload>
        <Input.TextArea
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={14}
          className="tz-mono"
          placeholder='{ "name": "…", "title": "…", "rowKind": "units", "rowLevel": "community", "columns": [ … ] }'
          data-testid="template-json"
        />
        {problems.length > 0 && (
          <Alert
            type="error"
            showIcon
            title={t('reports.importFailed')}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            }
            data-testid="template-import-errors"
          />
        )}
      </Flex>
    </Modal>
  );
}

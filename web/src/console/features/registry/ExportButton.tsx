import { DownloadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Checkbox, Modal, Typography } from 'antd';
import { useState } from 'react';
import { downloadFile } from '../../../api/client';
import type { ResidentExportBody, ResidentSearchBody } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';

/** Exports the residents matching the current filter to .xlsx; masked unless a pii.reveal holder asks otherwise. */
export function ExportButton({
  filter,
  total,
  isTotalExact = true,
}: {
  filter: Omit<ResidentSearchBody, 'page' | 'pageSize'>;
  total: number | undefined;
  /** false when the search stopped counting at `total` */
  isTotalExact?: boolean | undefined;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const [isOpen, setOpen] = useState(false);
  const [isUnmasked, setUnmasked] = useState(false);

  const exportFile = useMutation({
    mutationFn: () => {
      const body: ResidentExportBody = { ...filter, ...(isUnmasked ? { isUnmasked: true } : {}) };
      return downloadFile('/api/v1/residents/export', `${t('search.exportName')}.xlsx`, body);
    },
    onSuccess: () => {
      setOpen(false);
      setUnmasked(false);
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  if (!can('resident.export')) return null;
  return (
    <>
      <Button icon={<DownloadOutlined />} onClick={() => setOpen(true)} data-testid="export-open">
        {t('search.export')}
      </Button>
      <Modal
        title={t('search.export')}
        open={isOpen}
        onCancel={() => setOpen(false)}
        onOk={() => exportFile.mutate()}
        okText={t('search.exportConfirm')}
        confirmLoading={exportFile.isPending}
        destroyOnHidden
      >
        <Typography.Paragraph>
          {total === undefined
            ? t('search.exportAll')
            : t(isTotalExact ? 'search.exportCount' : 'search.exportCountMoreThan', { n: total })}
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary">{t('search.exportAudited')}</Typography.Paragraph>
        {can('pii.reveal') && (
          <Checkbox checked={isUnmasked} onChange={(e) => setUnmasked(e.target.checked)} data-testid="export-unmasked">
            {t('search.exportUnmasked')}
          </Checkbox>
        )}
      </Modal>
    </>
  );
}

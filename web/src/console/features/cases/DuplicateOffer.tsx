import { ExportOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import type { DuplicateCandidate } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { CaseStatusTag } from './CaseTags';

/**
 * The open cases of the same item nearby that intake offered instead of a new one: each opens in a
 * new tab (the form keeps what was typed); or the user submits anyway.
 */
export function DuplicateOffer({
  duplicates,
  isSubmitting,
  onSubmitAnyway,
  onBack,
}: {
  duplicates: DuplicateCandidate[];
  isSubmitting: boolean;
  onSubmitAnyway: () => void;
  onBack: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  // the offer appears above the form, which the user has scrolled past to reach the submit button
  useEffect(() => {
    // a block, not an expression: newer browsers return a promise from scrollIntoView
    ref.current?.scrollIntoView({ block: 'start' });
  }, []);
  return (
    <div ref={ref}>
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('cases.duplicates.title', { n: duplicates.length })}
        description={
          <Flex vertical gap={8} style={{ marginTop: 8 }} data-testid="intake-duplicates">
            <Typography.Text type="secondary">{t('cases.duplicates.hint')}</Typography.Text>
            {duplicates.map((d) => (
              <Card key={d.id} size="small">
                <Flex justify="space-between" align="center" gap={12}>
                  <Flex vertical gap={2} style={{ minWidth: 0 }}>
                    <Flex gap={8} align="center" wrap>
                      <a href={`/cases/${d.id}`} target="_blank" rel="noreferrer" className="tz-mono">
                        {d.number} <ExportOutlined />
                      </a>
                      <CaseStatusTag status={d.status} />
                      <Typography.Text strong>
                        {t('cases.duplicates.distance', { m: d.distanceMeters })}
                      </Typography.Text>
                      <Typography.Text type="secondary">{formatTime(d.createdAt)}</Typography.Text>
                    </Flex>
                    <Typography.Text ellipsis={{ tooltip: d.description }}>
                      {d.dutyName === null ? '' : `【${d.dutyName}】`}
                      {d.description}
                    </Typography.Text>
                  </Flex>
                </Flex>
              </Card>
            ))}
            <Flex gap={8} justify="end">
              <Button onClick={onBack}>{t('cases.duplicates.back')}</Button>
              <Button type="primary" loading={isSubmitting} onClick={onSubmitAnyway} data-testid="intake-force">
                {t('cases.duplicates.submitAnyway')}
              </Button>
            </Flex>
          </Flex>
        }
      />
    </div>
  );
}

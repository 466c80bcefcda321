import { Alert, Button, Card, Result, Spin } from 'antd';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { errorText } from '../../shared/errors';
import { useI18n } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import { useScan } from './api';

/**
 * Where the QR code at the place leads (`/m/points/scan?a=<activity>&c=<code>`): opened by her phone's
 * camera, it checks her in — and, scanned again at the end, out.
 */
export function ScanPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params] = useSearchParams();
  const id = params.get('a') ?? '';
  const code = params.get('c') ?? '';
  const scan = useScan();
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current || id === '' || code === '') return;
    sent.current = true;
    scan.mutate({ id, code });
  }, [id, code, scan]);
  const done = scan.data;
  return (
    <PhoneLayout title={t('volunteer.scanTitle')} back="/m/points?tab=volunteer">
      <Card size="small">
        {scan.isPending && <Spin description={t('volunteer.scanning')} />}
        {scan.error !== null && (
          <Alert type="error" showIcon message={errorText(scan.error, i18n)} data-testid="scan-error" />
        )}
        {done !== undefined && (
          <Result
            status="success"
            data-testid="scan-result"
            data-status={done.status}
            title={
              done.status === 'checked_in'
                ? t('volunteer.status.checked_in')
                : t('volunteer.checkedOut', { hours: Math.round((done.minutes ?? 0) / 6) / 10 })
            }
            extra={
              <Link to="/m/points?tab=volunteer">
                <Button type="primary">{t('volunteer.toPoints')}</Button>
              </Link>
            }
          />
        )}
      </Card>
    </PhoneLayout>
  );
}

import { Alert, Button, Card, Result, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { errorText } from '../../shared/errors';
import { useI18n } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import { useQrCheckIn } from './api';
import { spanLabel } from './labels';

/** The page the room's QR code opens: one tap checks in her booking of that room now. */
export function CheckInPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params] = useSearchParams();
  const spaceId = params.get('space') ?? '';
  const token = params.get('t') ?? '';
  const checkIn = useQrCheckIn();
  const done = checkIn.data;
  return (
    <PhoneLayout title={t('venues.checkin.title')} back="/m/venues">
      {spaceId === '' || token === '' ? (
        <Alert type="error" showIcon title={t('venues.checkin.bad')} />
      ) : done !== undefined ? (
        <Result
          status="success"
          title={t('venues.checkin.done', {
            space: done.spaceName,
            time: spanLabel(done.startsAt, done.endsAt, i18n.lang),
          })}
        />
      ) : (
        <Card>
          <Typography.Paragraph>{t('venues.checkin.hint')}</Typography.Paragraph>
          {checkIn.error !== null && (
            <Alert type="error" showIcon title={errorText(checkIn.error, i18n)} style={{ marginBottom: 12 }} />
          )}
          <Button
            type="primary"
            size="large"
            block
            loading={checkIn.isPending}
            onClick={() => checkIn.mutate({ spaceId, token })}
            data-testid="venue-checkin"
          >
            {t('venues.checkin.button')}
          </Button>
        </Card>
      )}
    </PhoneLayout>
  );
}

import { CalendarOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Empty, Flex, Input, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../shared/errors';
import { useI18n } from '../i18n';
import { shortTime } from '../cases/time';
import { cancelAppointment, fetchAppointments, makeAppointment } from './api';
import { useField } from './FieldContext';

/** `datetime-local` wants local wall time; an hour from now, on the quarter hour, as a start. */
function defaultLocalTime(): string {
  const d = new Date(Date.now() + 3_600_000);
  d.setMinutes(Math.ceil(d.getMinutes() / 15) * 15, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * 预约上门: the grid worker sets when she will come and the household's bound residents are told
 * (server: fieldwork/appointments.ts). Online only: a time told late is worse than none.
 */
export function AppointmentsSection({ householdId }: { householdId: string }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { syncState } = useField();
  const queryClient = useQueryClient();
  const [at, setAt] = useState(defaultLocalTime);
  const [note, setNote] = useState('');
  const key = ['field', 'appointments', householdId];
  const list = useQuery({
    queryKey: key,
    queryFn: () => fetchAppointments(householdId),
    enabled: syncState.isOnline,
    retry: false,
  });
  const make = useMutation({
    // the phone's local wall time, sent with its offset: the server keeps the instant
    mutationFn: () => makeAppointment(householdId, new Date(at).toISOString(), note),
    onSuccess: () => {
      setNote('');
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const cancel = useMutation({
    mutationFn: (appointmentId: string) => cancelAppointment(householdId, appointmentId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });

  return (
    <section className="tz-phone-section" data-testid="field-appointments">
      <h2>
        <CalendarOutlined /> {t('field.appointments.title')}
      </h2>
      {!syncState.isOnline ? (
        <Alert type="info" showIcon title={t('field.appointments.offline')} />
      ) : (
        <Flex vertical gap={8}>
          <Typography.Text type="secondary">{t('field.appointments.hint')}</Typography.Text>
          <label>
            <Typography.Text style={{ display: 'block' }}>{t('field.appointments.at')}</Typography.Text>
            <Input
              type="datetime-local"
              value={at}
              onChange={(e) => setAt(e.target.value)}
              aria-label={t('field.appointments.at')}
              data-testid="appointment-at"
            />
          </label>
          <Input
            value={note}
            maxLength={200}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t('field.appointments.note')}
            aria-label={t('field.appointments.note')}
          />
          {make.error !== null && <Alert type="error" showIcon title={errorText(make.error, i18n)} />}
          {make.data !== undefined && (
            <Alert
              type="success"
              showIcon
              title={t('field.appointments.made', { n: make.data.told })}
              data-testid="appointment-made"
            />
          )}
          <Button
            type="primary"
            size="large"
            loading={make.isPending}
            disabled={at === ''}
            onClick={() => make.mutate()}
            data-testid="appointment-make"
          >
            {t('field.appointments.make')}
          </Button>
          {list.data !== undefined && list.data.length === 0 && (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('field.appointments.none')} />
          )}
          {cancel.error !== null && <Alert type="error" showIcon title={errorText(cancel.error, i18n)} />}
          {(list.data ?? []).map((a) => (
            <Flex key={a.id} justify="space-between" align="center" gap={8} data-testid="appointment">
              <div>
                <Typography.Text strong>{shortTime(a.at, lang)}</Typography.Text>
                {a.note !== null && <div className="tz-two-lines">{a.note}</div>}
              </div>
              {a.status === 'cancelled' ? (
                <Tag>{t('field.appointments.cancelled')}</Tag>
              ) : (
                <Button onClick={() => cancel.mutate(a.id)} loading={cancel.isPending && cancel.variables === a.id}>
                  {t('field.appointments.cancel')}
                </Button>
              )}
            </Flex>
          ))}
        </Flex>
      )}
    </section>
  );
}

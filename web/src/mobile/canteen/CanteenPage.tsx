import { Alert, App, Button, Card, Empty, Flex, Input, QRCode, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorText } from '../../shared/errors';
import { type MessageKey, useI18n } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import {
  type MyDiner,
  type MyMenu,
  newClientKey,
  useCancelMeal,
  useFileComplaint,
  useMyCanteen,
  useOrderMeal,
} from './api';

export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

const MEAL_LABEL: Record<MyMenu['meal'], MessageKey> = { lunch: 'canteen.meal.lunch', dinner: 'canteen.meal.dinner' };
export const TIER_LABEL: Record<MyMenu['myTier'], MessageKey> = {
  standard: 'canteen.tier.standard',
  senior: 'canteen.tier.senior',
  dibao: 'canteen.tier.dibao',
};

/** 'HH:MM' of an instant in Lanzhou. */
const hhmm = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(11, 16);

function MenuRow({ menu }: { menu: MyMenu }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const order = useOrderMeal();
  const cancel = useCancelMeal();
  // one key per intent: a retry of this tap reuses it, a new tap after a cancel gets a new one
  const [clientKey, setClientKey] = useState(newClientKey);
  const isClosed = !menu.isOpen;
  const error = order.error ?? cancel.error;
  return (
    <Card size="small" data-testid={`canteen-menu-${menu.day}-${menu.meal}`}>
      <Flex justify="space-between" align="center" gap={8}>
        <div>
          <Typography.Text strong>{t(MEAL_LABEL[menu.meal])}</Typography.Text>{' '}
          <Typography.Text>{menu.dishes}</Typography.Text>
          <div>
            <Typography.Text type="secondary">
              {t('canteen.myPrice')} <b data-testid="canteen-my-price">{yuan(menu.myPriceFen)}</b>
              {' · '}
              {t('canteen.cutoff', { time: hhmm(menu.cutoffAt) })}
            </Typography.Text>
          </div>
        </div>
        {menu.myOrderId !== null ? (
          <Flex vertical align="end" gap={4}>
            <Tag color="green">{t('canteen.ordered')}</Tag>
            {!isClosed && (
              <Button
                size="small"
                loading={cancel.isPending}
                onClick={() =>
                  cancel.mutate(menu.myOrderId!, {
                    onSuccess: () => {
                      void message.success(t('canteen.cancelledToast'));
                      setClientKey(newClientKey());
                    },
                  })
                }
              >
                {t('canteen.cancel')}
              </Button>
            )}
          </Flex>
        ) : isClosed ? (
          <Tag>{t('canteen.closed')}</Tag>
        ) : (
          <Button
            type="primary"
            loading={order.isPending}
            data-testid="canteen-order"
            onClick={() =>
              order.mutate(
                { menuId: menu.id, clientKey },
                { onSuccess: () => void message.success(t('canteen.orderedToast')) },
              )
            }
          >
            {t('canteen.order')}
          </Button>
        )}
      </Flex>
      {error !== null && <Alert type="error" showIcon title={errorText(error, i18n)} style={{ marginTop: 8 }} />}
    </Card>
  );
}

/** 食品安全投诉: a few words become a case for market regulation; she follows it under 我的诉求. */
function ComplaintCard({ diner }: { diner: MyDiner }) {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const [isOpen, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [clientKey, setClientKey] = useState(newClientKey);
  const file = useFileComplaint();
  const filed = file.data;
  return (
    <Card size="small" data-testid="canteen-complaint">
      {!isOpen ? (
        <Button block onClick={() => setOpen(true)} data-testid="canteen-complaint-open">
          {t('canteen.complaint')}
        </Button>
      ) : filed !== undefined ? (
        <Flex vertical gap={8}>
          <Alert
            type="success"
            showIcon
            title={t('canteen.complaintFiled', { number: filed.caseNumber })}
            data-testid="canteen-complaint-filed"
          />
          <Button onClick={() => void navigate(`/m/cases/${filed.caseId}`)}>{t('canteen.complaintOpen')}</Button>
        </Flex>
      ) : (
        <Flex vertical gap={8}>
          <Typography.Text strong>{t('canteen.complaint')}</Typography.Text>
          <Typography.Text type="secondary">{t('canteen.complaintHint')}</Typography.Text>
          <Input.TextArea
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setClientKey(newClientKey());
            }}
            placeholder={t('canteen.complaintPlaceholder')}
            autoSize={{ minRows: 3, maxRows: 6 }}
            maxLength={1000}
            data-testid="canteen-complaint-text"
          />
          {file.error !== null && <Alert type="error" showIcon title={errorText(file.error, i18n)} />}
          <Button
            type="primary"
            danger
            loading={file.isPending}
            disabled={text.trim().length < 5}
            onClick={() => file.mutate({ dinerId: diner.dinerId, description: text.trim(), clientKey })}
            data-testid="canteen-complaint-submit"
          >
            {t('canteen.complaintSubmit')}
          </Button>
        </Flex>
      )}
    </Card>
  );
}

function DinerCard({ diner, today }: { diner: MyDiner; today: string }) {
  const { t } = useI18n();
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const days = [...new Set(diner.menus.map((m) => m.day))];
  const ordered = diner.menus.filter((m) => m.myOrderId !== null);
  const dayLabel = (day: string) =>
    day === today ? t('canteen.today') : day === tomorrow ? t('canteen.tomorrow') : day.slice(5);
  return (
    <Flex vertical gap={12}>
      <Card size="small" title={diner.canteen.name}>
        <Flex justify="space-between" align="center">
          <div>
            <Typography.Text type="secondary">{t('canteen.balance')}</Typography.Text>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="canteen-balance">
              {yuan(diner.balanceFen)}
            </Typography.Title>
            {ordered.length > 0 && (
              <Typography.Text data-testid="canteen-ordered-total">
                {t('canteen.orderedTotal', {
                  n: String(ordered.length),
                  amount: yuan(ordered.reduce((sum, m) => sum + m.myPriceFen, 0)),
                })}
              </Typography.Text>
            )}
          </div>
          <Flex vertical align="center">
            <QRCode value={diner.code} size={96} bordered={false} />
            <Typography.Text copyable data-testid="canteen-code">
              {diner.code}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('canteen.codeHint')}
            </Typography.Text>
          </Flex>
        </Flex>
      </Card>
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('canteen.menus')}
      </Typography.Title>
      {days.length === 0 && <Empty description={t('canteen.noMenus')} />}
      {days.map((day) => (
        <Flex vertical gap={8} key={day}>
          <Typography.Text strong>{dayLabel(day)}</Typography.Text>
          {diner.menus
            .filter((m) => m.day === day)
            .map((m) => (
              <MenuRow key={m.id} menu={m} />
            ))}
        </Flex>
      ))}
      <ComplaintCard diner={diner} />
    </Flex>
  );
}

/** 我的食堂: her balance and code, the week's menus with her own price, ordering and cancelling before the cut-off. */
export function CanteenPage() {
  const { t } = useI18n();
  const mine = useMyCanteen();
  return (
    <PhoneLayout title={t('canteen.title')} back="/m/me">
      {mine.isLoading ? (
        <Skeleton active />
      ) : (mine.data?.items.length ?? 0) === 0 ? (
        <Empty description={t('canteen.none')} />
      ) : (
        <Flex vertical gap={16}>
          {mine.data!.items.map((d) => (
            <DinerCard key={d.dinerId} diner={d} today={mine.data!.today} />
          ))}
        </Flex>
      )}
    </PhoneLayout>
  );
}

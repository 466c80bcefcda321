import { App, Button, Card, Empty, Form, Input, Modal, Select, Space, Tabs } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useAuth } from '../../../shared/auth';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { ActivitiesTab } from './ActivitiesTab';
import { CalendarTab } from './CalendarTab';
import { DoorTab } from './DoorTab';
import { NoShowsTab } from './NoShowsTab';
import { createCentre, useCentres, useVenueMutation } from './queries';
import { RoomsTab } from './RoomsTab';

const TABS = ['calendar', 'rooms', 'door', 'activities', 'no-shows'] as const;
type Tab = (typeof TABS)[number];

function NewCentreModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { me } = useAuth();
  const [form] = Form.useForm<{ orgId: string; name: string; address?: string }>();
  const create = useVenueMutation(createCentre);
  const units = (me?.assignments ?? []).map((a) => ({ value: a.orgId, label: a.orgName }));
  return (
    <Modal
      open={open}
      destroyOnHidden
      title={t('vc.centre.new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ orgId: units[0]?.value, name: '党群服务中心' }}
        onFinish={(v) =>
          void create
            .mutateAsync(v)
            .then(onClose)
            .catch((e: unknown) => {
              if (!showFieldErrors(form, e, i18n, ['orgId', 'name', 'address'])) message.error(errorText(e, i18n));
            })
        }
      >
        <Form.Item name="orgId" label={t('vc.centre.org')} rules={[{ required: true }]}>
          <Select options={units} />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('vc.centre.name')}
          rules={[{ required: true, message: t('vc.required', { what: t('vc.centre.name') }) }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="address" label={t('vc.centre.address')}>
          <Input maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 阵地与活动: the service centres in her scope; per centre its calendar, rooms, door check-in, activities and no-shows. */
export function VenuesPage() {
  const { t } = useI18n();
  const centres = useCentres();
  const [params, setParams] = useSearchParams();
  const [isNew, setNew] = useState(false);
  const items = centres.data?.items ?? [];
  const centre = items.find((c) => c.id === params.get('centre')) ?? items[0];
  const tab: Tab = TABS.find((x) => x === params.get('tab')) ?? 'calendar';
  const go = (next: { centre?: string; tab?: Tab }) =>
    setParams({ centre: next.centre ?? centre?.id ?? '', tab: next.tab ?? tab }, { replace: true });
  return (
    <Card
      title={t('nav.venues')}
      loading={centres.isLoading}
      extra={
        <Space>
          {items.length > 1 && (
            <Select
              style={{ width: 240 }}
              value={centre?.id}
              onChange={(id: string) => go({ centre: id })}
              options={items.map((c) => ({ value: c.id, label: `${c.orgName} · ${c.name}` }))}
              data-testid="centre-select"
            />
          )}
          <Button onClick={() => setNew(true)}>{t('vc.centre.new')}</Button>
        </Space>
      }
    >
      {centre === undefined ? (
        <Empty description={t('vc.centre.none')} />
      ) : (
        <Tabs
          activeKey={tab}
          onChange={(k) => go({ tab: k as Tab })}
          destroyOnHidden
          items={[
            {
              key: 'calendar',
              label: <span data-testid="vc-tab-calendar">{t('vc.tab.calendar')}</span>,
              children: <CalendarTab centre={centre} />,
            },
            {
              key: 'rooms',
              label: <span data-testid="vc-tab-rooms">{t('vc.tab.rooms')}</span>,
              children: <RoomsTab centre={centre} />,
            },
            {
              key: 'door',
              label: <span data-testid="vc-tab-door">{t('vc.tab.door')}</span>,
              children: <DoorTab centre={centre} />,
            },
            {
              key: 'activities',
              label: <span data-testid="vc-tab-activities">{t('vc.tab.activities')}</span>,
              children: <ActivitiesTab centre={centre} />,
            },
            {
              key: 'no-shows',
              label: <span data-testid="vc-tab-no-shows">{t('vc.tab.noShows')}</span>,
              children: <NoShowsTab centre={centre} />,
            },
          ]}
        />
      )}
      <NewCentreModal open={isNew} onClose={() => setNew(false)} />
    </Card>
  );
}

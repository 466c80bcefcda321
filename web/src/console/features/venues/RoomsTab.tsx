import {
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Image,
  Modal,
  Popconfirm,
  QRCode,
  Select,
  Space as Row,
  Switch,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useRef, useState } from 'react';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { BOOKER_KIND_KEYS, SPACE_KIND_KEYS, WEEKDAY_KEYS } from '../../../shared/venue-vocabulary';
import { useI18n } from '../../app/i18n';
import {
  addSpacePhotos,
  photoUrl,
  removeSpacePhoto,
  type Centre,
  type Space,
  type SpaceBody,
  createSpace,
  updateSpace,
  useSpaceQr,
  useVenueMutation,
} from './queries';
import { HALF_HOURS } from './time';

const FIELDS = [
  'name',
  'kind',
  'areaM2',
  'capacity',
  'equipment',
  'opens',
  'closes',
  'closedWeekdays',
  'bookers',
  'needsApproval',
  'isActive',
] as const;

function QrModal({ space, onClose }: { space: Space | null; onClose: () => void }) {
  const { t } = useI18n();
  const qr = useSpaceQr(space?.id ?? null);
  const url = qr.data === undefined ? '' : `${window.location.origin}${qr.data.path}`;
  return (
    <Modal open={space !== null} onCancel={onClose} footer={null} title={`${space?.name ?? ''} · ${t('vc.room.qr')}`}>
      <Typography.Paragraph type="secondary">{t('vc.room.qr.hint')}</Typography.Paragraph>
      {url !== '' && (
        <Row direction="vertical" align="center" style={{ width: '100%' }}>
          <QRCode value={url} size={220} />
          <Typography.Text copyable code style={{ wordBreak: 'break-all' }} data-testid="room-qr-url">
            {url}
          </Typography.Text>
        </Row>
      )}
    </Modal>
  );
}

/** The form of a room: what it is, its hours and closed days, who may book and whether bookings need approval. */
function RoomModal({
  centre,
  editing,
  onClose,
}: {
  centre: Centre;
  editing: Space | 'new' | null;
  onClose: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<SpaceBody>();
  const save = useVenueMutation(async (body: SpaceBody) =>
    editing === 'new' || editing === null
      ? createSpace({ centreId: centre.id, body })
      : updateSpace({ id: editing.id, body }),
  );
  const initial: Partial<SpaceBody> =
    editing === 'new' || editing === null
      ? {
          kind: 'multipurpose',
          opens: '08:00',
          closes: '21:00',
          closedWeekdays: [1],
          bookers: ['resident', 'team', 'staff'],
          needsApproval: false,
          isActive: true,
        }
      : { ...editing, equipment: editing.equipment ?? undefined };
  const submit = (values: SpaceBody) =>
    save
      .mutateAsync({ ...values, equipment: values.equipment ?? '' })
      .then(() => {
        message.success(t('vc.saved'));
        onClose();
      })
      .catch((e: unknown) => {
        if (!showFieldErrors(form, e, i18n, FIELDS)) message.error(errorText(e, i18n));
      });
  const required = (what: string) => [{ required: true, message: t('vc.required', { what }) }];
  const times = HALF_HOURS.map((h) => ({ value: h, label: h }));
  return (
    <Modal
      open={editing !== null}
      destroyOnHidden
      title={editing === 'new' ? t('vc.room.new') : `${t('vc.room.edit')} · ${editing?.name ?? ''}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okButtonProps={{ ...({ 'data-testid': 'room-save' } as Record<string, string>) }}
      width={640}
    >
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => void submit(v)} preserve={false}>
        <Row wrap>
          <Form.Item name="name" label={t('vc.room.name')} rules={required(t('vc.room.name'))}>
            <Input maxLength={100} data-testid="room-name" />
          </Form.Item>
          <Form.Item name="kind" label={t('vc.room.kind')} rules={required(t('vc.room.kind'))}>
            <Select
              style={{ width: 160 }}
              options={SPACE_KIND_KEYS.map((k) => ({ value: k, label: t(`venues.kind.${k}`) }))}
              data-testid="room-kind"
            />
          </Form.Item>
          <Form.Item name="areaM2" label={t('vc.room.area')} rules={required(t('vc.room.area'))}>
            <InputNumber min={1} max={100000} precision={0} data-testid="room-area" />
          </Form.Item>
          <Form.Item name="capacity" label={t('vc.room.capacity')} rules={required(t('vc.room.capacity'))}>
            <InputNumber min={1} max={10000} precision={0} data-testid="room-capacity" />
          </Form.Item>
        </Row>
        <Form.Item name="equipment" label={t('vc.room.equipment')}>
          <Input maxLength={500} />
        </Form.Item>
        <Row wrap>
          <Form.Item name="opens" label={t('vc.room.opens')} rules={required(t('vc.room.opens'))}>
            <Select style={{ width: 110 }} options={times} data-testid="room-opens" />
          </Form.Item>
          <Form.Item name="closes" label={t('vc.room.closes')} rules={required(t('vc.room.closes'))}>
            <Select style={{ width: 110 }} options={times} data-testid="room-closes" />
          </Form.Item>
        </Row>
        <Form.Item name="closedWeekdays" label={t('vc.room.closedDays')}>
          <Checkbox.Group options={WEEKDAY_KEYS.map((d) => ({ value: d, label: t(`venues.weekday.${d}`) }))} />
        </Form.Item>
        <Form.Item name="bookers" label={t('vc.room.bookers')}>
          <Checkbox.Group options={BOOKER_KIND_KEYS.map((k) => ({ value: k, label: t(`venues.bookerKind.${k}`) }))} />
        </Form.Item>
        <Row size="large">
          <Form.Item name="needsApproval" label={t('vc.room.needsApproval')} valuePropName="checked">
            <Switch data-testid="room-approval" />
          </Form.Item>
          <Form.Item name="isActive" label={t('vc.room.isActive')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Row>
      </Form>
    </Modal>
  );
}

/** A room's photos as thumbnails (a click removes one, after asking) and a button to add more. */
function RoomPhotos({ space }: { space: Space }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const add = useVenueMutation(addSpacePhotos);
  const remove = useVenueMutation(removeSpacePhoto);
  const fail = (e: unknown) => void message.error(errorText(e, i18n));
  return (
    <Row size={4} wrap>
      {space.photoIds.map((id) => (
        <Popconfirm
          key={id}
          title={t('vc.room.photos.remove')}
          onConfirm={() => void remove.mutateAsync({ spaceId: space.id, photoId: id }).catch(fail)}
        >
          <Image
            src={photoUrl(id)}
            width={40}
            height={40}
            preview={false}
            style={{ objectFit: 'cover', cursor: 'pointer' }}
          />
        </Popconfirm>
      ))}
      {space.photoIds.length < 6 && (
        <>
          <input
            ref={input}
            type="file"
            accept="image/*"
            multiple
            hidden
            data-testid="room-photo-input"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              if (files.length > 0) void add.mutateAsync({ spaceId: space.id, files }).catch(fail);
            }}
          />
          <Button size="small" loading={add.isPending} onClick={() => input.current?.click()}>
            {t('vc.room.photos.add')}
          </Button>
        </>
      )}
    </Row>
  );
}

/** 场地: the centre's rooms, its area and the share open to residents (computed by the server). */
export function RoomsTab({ centre }: { centre: Centre }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<Space | 'new' | null>(null);
  const [qrFor, setQrFor] = useState<Space | null>(null);
  const share = centre.residentShare === null ? 0 : Math.round(centre.residentShare * 100);
  const columns: TableColumnsType<Space> = [
    {
      title: t('vc.room.name'),
      dataIndex: 'name',
      render: (name: string, s) => (
        <Row>
          <strong>{name}</strong>
          <Tag>{t(`venues.kind.${s.kind}`)}</Tag>
          {!s.isActive && <Tag color="red">{t('vc.room.inactive')}</Tag>}
        </Row>
      ),
    },
    { title: t('vc.room.area'), dataIndex: 'areaM2' },
    { title: t('vc.room.capacity'), dataIndex: 'capacity' },
    { title: t('vc.room.hours'), key: 'hours', render: (_v, s) => `${s.opens}–${s.closes}` },
    {
      title: t('vc.room.closedDays'),
      key: 'closed',
      render: (_v, s) => s.closedWeekdays.map((d) => t(`venues.weekday.${d as 1}`)).join('、') || '—',
    },
    {
      title: t('vc.room.bookers'),
      key: 'bookers',
      render: (_v, s) => s.bookers.map((b) => t(`venues.bookerKind.${b}`)).join('、'),
    },
    {
      title: t('vc.room.needsApproval'),
      dataIndex: 'needsApproval',
      render: (v: boolean) => (v ? <Tag color="gold">{t('vc.room.needsApproval')}</Tag> : '—'),
    },
    { title: t('vc.room.equipment'), dataIndex: 'equipment', render: (v: string | null) => v ?? '—' },
    { title: t('vc.room.photos'), key: 'photos', render: (_v, s) => <RoomPhotos space={s} /> },
    {
      key: 'act',
      render: (_v, s) => (
        <Row>
          <Button size="small" onClick={() => setEditing(s)} data-testid="room-edit">
            {t('vc.room.edit')}
          </Button>
          <Button size="small" onClick={() => setQrFor(s)}>
            {t('vc.room.qr')}
          </Button>
        </Row>
      ),
    },
  ];
  return (
    <Card size="small">
      <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('vc.centre.address')}>{centre.address ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('vc.room.area')}>
          <span data-testid="centre-area">
            {t('vc.centre.area', { total: centre.totalAreaM2, resident: centre.residentAreaM2, share })}
          </span>
        </Descriptions.Item>
      </Descriptions>
      <Button type="primary" onClick={() => setEditing('new')} style={{ marginBottom: 12 }} data-testid="room-new">
        {t('vc.room.new')}
      </Button>
      <Table
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={centre.spaces}
        pagination={false}
        locale={{ emptyText: t('vc.room.none') }}
        onRow={(s) => ({ 'data-testid': 'room-row', 'data-name': s.name }) as object}
        scroll={{ x: true }}
      />
      <RoomModal centre={centre} editing={editing} onClose={() => setEditing(null)} />
      <QrModal space={qrFor} onClose={() => setQrFor(null)} />
    </Card>
  );
}

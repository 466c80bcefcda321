import { PaperClipOutlined, SendOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Drawer,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
  type UploadFile,
} from 'antd';
import { useEffect, useState } from 'react';
import { api, sendRaw, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { useAuth } from '../../../shared/auth';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type NoticeSummary = Json<paths['/api/v1/notices']['get']['responses'][200]>['items'][number];
export type NoticeDetail = Json<paths['/api/v1/notices/{id}']['get']['responses'][200]>;
type Receipts = Json<paths['/api/v1/notices/{id}/receipts']['get']['responses'][200]>;
type NoticeBody = NonNullable<paths['/api/v1/notices']['post']['requestBody']>['content']['application/json'];
type Audience = NoticeBody['audience'];
type AudienceRole = NonNullable<Audience['roles']>[number];

/** The roles a notice may go to (server: notices/schema.ts AUDIENCE_ROLES), resident roles first. */
const AUDIENCE_ROLES = [
  'party_member',
  'dual_member',
  'volunteer',
  'council_member',
  'grid_worker',
  'community_staff',
] as const satisfies readonly AudienceRole[];

const keys = {
  all: ['notices'] as const,
  one: (id: string) => ['notices', id] as const,
  receipts: (id: string, state: string) => ['notices', id, 'receipts', state] as const,
};

/** Shanghai time, short: 12-08 14:30. */
const when = (iso: string) =>
  new Date(iso).toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });

interface ComposeValues {
  orgId: string;
  unitIds?: string[];
  careTags?: string[];
  minAge?: number | null;
  roles?: AudienceRole[];
  title: string;
  body: string;
  explainer?: string;
  followUpDays?: number | null;
}

function audienceOf(v: Partial<ComposeValues>): Audience {
  return {
    ...(v.unitIds !== undefined && v.unitIds.length > 0 ? { unitIds: v.unitIds } : {}),
    ...(v.careTags !== undefined && v.careTags.length > 0 ? { careTags: v.careTags } : {}),
    ...(v.minAge !== undefined && v.minAge !== null ? { minAge: v.minAge } : {}),
    ...(v.roles !== undefined && v.roles.length > 0 ? { roles: v.roles } : {}),
  };
}

/** 发通知: where, to whom (care tags, age, roles), the text and its plain-words explainer, attachments; the reach shown before sending. */
function ComposeModal({ onClose }: { onClose: (sentId?: string) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useAuth();
  const [form] = Form.useForm<ComposeValues>();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const units = (me?.assignments ?? []).map((a) => ({ value: a.orgId, label: a.orgName }));
  const orgId = Form.useWatch('orgId', form);
  const unitIds = Form.useWatch('unitIds', form);
  const careTags = Form.useWatch('careTags', form);
  const minAge = Form.useWatch('minAge', form);
  const roles = Form.useWatch('roles', form);
  const subUnits = useQuery({
    queryKey: ['notices', 'units', orgId],
    enabled: orgId !== undefined,
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/orgs/{id}/units', { params: { path: { id: orgId }, query: { level: 'grid' } } })))
        .items,
  });
  const tags = useQuery({
    queryKey: ['notices', 'care-tags'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/care-tags'))).items,
  });
  const [preview, setPreview] = useState<
    { households: number; accounts: number; staff: number } | { error: string } | null
  >(null);
  useEffect(() => {
    if (orgId === undefined) return;
    let isCurrent = true;
    const audience = audienceOf({ unitIds, careTags, minAge, roles });
    unwrap(api.POST('/api/v1/notices/preview', { body: { orgId, audience } }))
      .then((p) => isCurrent && setPreview(p))
      .catch((e: unknown) => isCurrent && setPreview({ error: errorText(e, i18n) }));
    return () => {
      isCurrent = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [orgId, JSON.stringify(unitIds), JSON.stringify(careTags), minAge, JSON.stringify(roles)]);

  const send = useMutation({
    mutationFn: async (v: ComposeValues) => {
      const body: NoticeBody = {
        orgId: v.orgId,
        title: v.title,
        body: v.body,
        ...(v.explainer !== undefined && v.explainer.trim() !== '' ? { explainer: v.explainer } : {}),
        audience: audienceOf(v),
        followUpDays: v.followUpDays ?? null,
      };
      const data = new FormData();
      data.append('payload', JSON.stringify(body));
      for (const f of files) if (f.originFileObj !== undefined) data.append('attachments', f.originFileObj, f.name);
      const response = await sendRaw('/api/v1/notices', { method: 'POST', body: data });
      return (await response.json()) as NoticeDetail;
    },
  });

  return (
    <Modal
      open
      width={720}
      title={t('notices.send')}
      okText={t('notices.send')}
      okButtonProps={{ icon: <SendOutlined /> }}
      onCancel={() => onClose()}
      onOk={() => form.submit()}
      confirmLoading={send.isPending}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ orgId: units[0]?.value, followUpDays: 3 }}
        onFinish={(values) =>
          send.mutate(values, {
            onSuccess: (n) => onClose(n.id),
            onError: (e) => {
              if (!showFieldErrors(form, e, i18n, ['title', 'body', 'explainer', 'orgId', 'followUpDays'])) {
                setPreview({ error: errorText(e, i18n) });
              }
            },
          })
        }
      >
        <Flex gap={12}>
          <Form.Item name="orgId" label={t('notices.unit')} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Select options={units} />
          </Form.Item>
          <Form.Item name="unitIds" label={t('notices.units')} style={{ flex: 2 }}>
            <Select
              mode="multiple"
              allowClear
              placeholder={t('notices.unitsAll')}
              options={(subUnits.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
        </Flex>
        <Flex gap={12}>
          <Form.Item name="careTags" label={t('notices.careTags')} style={{ flex: 2 }}>
            <Select
              mode="multiple"
              allowClear
              options={(tags.data ?? []).map((tag) => ({ value: tag.code, label: tag.name }))}
              data-testid="notice-care-tags"
            />
          </Form.Item>
          <Form.Item name="minAge" label={t('notices.minAge')} style={{ flex: 1 }}>
            <InputNumber min={0} max={120} style={{ width: '100%' }} data-testid="notice-min-age" />
          </Form.Item>
        </Flex>
        <Form.Item name="roles" label={t('notices.roles')} extra={t('notices.rolesHint')}>
          <Select
            mode="multiple"
            allowClear
            options={AUDIENCE_ROLES.map((role) => ({ value: role, label: t(`notices.role.${role}`) }))}
            data-testid="notice-roles"
          />
        </Form.Item>
        {preview !== null && (
          <Alert
            style={{ marginBottom: 16 }}
            type={'error' in preview ? 'warning' : 'info'}
            showIcon
            data-testid="notice-preview"
            title={
              'error' in preview
                ? preview.error
                : preview.staff > 0
                  ? t('notices.previewStaff', {
                      households: preview.households,
                      accounts: preview.accounts,
                      staff: preview.staff,
                    })
                  : t('notices.preview', { households: preview.households, accounts: preview.accounts })
            }
          />
        )}
        <Form.Item
          name="title"
          label={t('notices.titleField')}
          rules={[{ required: true, whitespace: true, message: t('notices.required') }]}
        >
          <Input maxLength={100} data-testid="notice-title" />
        </Form.Item>
        <Form.Item
          name="body"
          label={t('notices.body')}
          rules={[{ required: true, whitespace: true, message: t('notices.required') }]}
        >
          <Input.TextArea rows={5} maxLength={20000} data-testid="notice-body" />
        </Form.Item>
        <Form.Item name="explainer" label={t('notices.explainer')} extra={t('notices.explainerHint')}>
          <Input.TextArea rows={3} maxLength={5000} data-testid="notice-explainer" />
        </Form.Item>
        <Flex gap={12} align="flex-start">
          <Form.Item name="followUpDays" label={t('notices.followUpDays')} style={{ flex: 1 }}>
            <InputNumber min={1} max={60} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item label={t('notices.attachments')} style={{ flex: 2 }}>
            <Upload
              multiple
              fileList={files}
              beforeUpload={() => false}
              onChange={({ fileList }) => setFiles(fileList.slice(0, 5))}
              accept=".pdf,.png,.jpg,.jpeg,.webp,.heic,.docx,.xlsx"
            >
              <Button icon={<UploadOutlined />}>{t('notices.pickFiles')}</Button>
            </Upload>
          </Form.Item>
        </Flex>
      </Form>
    </Modal>
  );
}

function VisitCell({ visit }: { visit: Receipts['items'][number]['visit'] }) {
  const { t } = useI18n();
  if (visit === null) return <Typography.Text type="secondary">—</Typography.Text>;
  if (visit.status === 'closed')
    return <Tag color="green">{t('notices.visit.closed', { time: when(visit.closedAt!) })}</Tag>;
  if (visit.status === 'withdrawn') return <Tag>{t('notices.visit.withdrawn')}</Tag>;
  return <Tag color="blue">{t('notices.visit.open', { day: visit.dueOn })}</Tag>;
}

function QuestionCard({ q, onDone }: { q: NoticeDetail['questions'][number]; onDone: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = AntApp.useApp();
  const [answer, setAnswer] = useState('');
  const [isPublic, setPublic] = useState(true);
  const answerIt = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/notice-questions/{id}/answer', {
          params: { path: { id: q.id } },
          body: { answer, isPublic },
        }),
      ),
    onSuccess: onDone,
    onError: (e) => void message.error(errorText(e, i18n)),
  });
  const toCase = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/notice-questions/{id}/case', { params: { path: { id: q.id } } })),
    onSuccess: onDone,
    onError: (e) => void message.error(errorText(e, i18n)),
  });
  return (
    <Card size="small" data-testid="notice-question">
      <Typography.Paragraph style={{ marginBottom: 4 }}>{q.body}</Typography.Paragraph>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {q.address ?? ''} · {when(q.askedAt)}
      </Typography.Text>
      {q.answer !== null && (
        <Alert
          style={{ marginTop: 8 }}
          type="success"
          title={`${q.isPublic ? t('notices.public') : t('notices.private')}：${q.answer}`}
        />
      )}
      {q.caseNumber !== null && <Tag style={{ marginTop: 8 }}>{t('notices.caseOpened', { number: q.caseNumber })}</Tag>}
      {q.answer === null && q.caseId === null && (
        <Flex vertical gap={6} style={{ marginTop: 8 }}>
          <Input.TextArea rows={2} value={answer} onChange={(e) => setAnswer(e.target.value)} maxLength={5000} />
          <Flex gap={8} wrap align="center">
            <Radio.Group value={isPublic} onChange={(e) => setPublic(e.target.value as boolean)}>
              <Radio value={true}>{t('notices.answerPublic')}</Radio>
              <Radio value={false}>{t('notices.answerPrivate')}</Radio>
            </Radio.Group>
            <Button
              type="primary"
              size="small"
              disabled={answer.trim() === ''}
              loading={answerIt.isPending}
              onClick={() => answerIt.mutate()}
            >
              {t('notices.answer')}
            </Button>
            <Button size="small" loading={toCase.isPending} onClick={() => toCase.mutate()}>
              {t('notices.toCase')}
            </Button>
          </Flex>
        </Flex>
      )}
    </Card>
  );
}

/** One notice: its text, who read it (per household), the home visits asked for, and the questions. */
function NoticeDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [state, setState] = useState<'all' | 'unread' | 'read'>('all');
  const detail = useQuery({
    queryKey: keys.one(id),
    queryFn: () => unwrap(api.GET('/api/v1/notices/{id}', { params: { path: { id } } })),
  });
  const receipts = useQuery({
    queryKey: keys.receipts(id, state),
    queryFn: () =>
      unwrap(api.GET('/api/v1/notices/{id}/receipts', { params: { path: { id }, query: { state, limit: 500 } } })),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: keys.all });
  const followUp = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/notices/{id}/follow-up', { params: { path: { id } } })),
    onSuccess: (r) => {
      void message.success(t('notices.followUpDone', { n: r.requested }));
      refresh();
    },
    onError: (e) => void message.error(errorText(e, i18n)),
  });
  const n = detail.data;
  return (
    <Drawer open width={820} title={n?.title ?? t('notices.detail')} onClose={onClose} data-testid="notice-drawer">
      {n !== undefined && (
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Typography.Text type="secondary">
            {n.orgName} · {n.sentByName} · {when(n.sentAt)} · {t('notices.households', { n: n.households })}
          </Typography.Text>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{n.body}</Typography.Paragraph>
          {n.explainer !== null && <Alert type="info" title={t('notices.explainer')} description={n.explainer} />}
          {n.attachments.map((a) => (
            <a key={a.id} href={`/api/v1/notices/${n.id}/attachments/${a.id}`} target="_blank" rel="noreferrer">
              <PaperClipOutlined /> {a.name}
            </a>
          ))}
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('notices.receipts')} · {t('notices.col.read')} {n.read}/{n.households} · {t('notices.col.explained')}{' '}
              {n.explained}
            </Typography.Title>
            {can('notice.send') && (
              <Button onClick={() => followUp.mutate()} loading={followUp.isPending} data-testid="notice-follow-up">
                {t('notices.followUp')}
              </Button>
            )}
          </Flex>
          <Typography.Text type="secondary">
            {n.followedUpAt !== null
              ? t('notices.followedUpAt', { time: when(n.followedUpAt) })
              : n.followUpDays !== null
                ? t('notices.followUpAuto', { days: n.followUpDays })
                : ''}
          </Typography.Text>
          <Segmented
            value={state}
            onChange={(v) => setState(v)}
            options={(['all', 'unread', 'read'] as const).map((s) => ({ value: s, label: t(`notices.filter.${s}`) }))}
          />
          <Table
            size="small"
            rowKey="householdId"
            loading={receipts.isFetching}
            dataSource={receipts.data?.items ?? []}
            pagination={false}
            data-testid="notice-receipts"
            columns={[
              { title: t('notices.col.address'), render: (_, r) => `${r.unitName} · ${r.address}` },
              { title: t('notices.col.accounts'), dataIndex: 'accounts', width: 90 },
              {
                title: t('notices.col.readAt'),
                width: 120,
                render: (_, r) =>
                  r.readAt === null ? <Tag color="orange">{t('notices.unreadState')}</Tag> : when(r.readAt),
              },
              { title: t('notices.col.visit'), render: (_, r) => <VisitCell visit={r.visit} /> },
            ]}
          />
          {n.staff > 0 && (
            <>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('notices.staffReceipts')} · {t('notices.staffRead', { read: n.staffRead, n: n.staff })}
              </Typography.Title>
              <Typography.Text type="secondary">{t('notices.staffNoFollowUp')}</Typography.Text>
              <Table
                size="small"
                rowKey="userId"
                dataSource={n.staffReceipts}
                pagination={false}
                data-testid="notice-staff-receipts"
                columns={[
                  { title: t('notices.col.staffName'), dataIndex: 'name' },
                  { title: t('notices.col.role'), width: 120, render: (_, r) => t(`notices.role.${r.role}`) },
                  { title: t('notices.col.unit'), dataIndex: 'unitName' },
                  {
                    title: t('notices.col.readAt'),
                    width: 120,
                    render: (_, r) =>
                      r.readAt === null ? <Tag color="orange">{t('notices.unreadState')}</Tag> : when(r.readAt),
                  },
                ]}
              />
            </>
          )}
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('notices.questions')}
          </Typography.Title>
          {n.questions.length === 0 && <Typography.Text type="secondary">{t('notices.noQuestions')}</Typography.Text>}
          {n.questions.map((q) => (
            <QuestionCard key={q.id} q={q} onDone={refresh} />
          ))}
        </Space>
      )}
    </Drawer>
  );
}

/** 说文解策: the notices sent from the units in her scope, how far each reached, and sending a new one. */
export function NoticesPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [isComposing, setComposing] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const list = useQuery({
    queryKey: keys.all,
    queryFn: async () => (await unwrap(api.GET('/api/v1/notices', { params: { query: { limit: 100 } } }))).items,
  });
  return (
    <Card
      title={t('notices.title')}
      extra={
        can('notice.send') && (
          <Button type="primary" icon={<SendOutlined />} onClick={() => setComposing(true)} data-testid="notice-new">
            {t('notices.send')}
          </Button>
        )
      }
    >
      <Table
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        locale={{ emptyText: <Empty description={t('notices.none')} /> }}
        onRow={(r) => ({ onClick: () => setOpenId(r.id), style: { cursor: 'pointer' } })}
        data-testid="notice-list"
        columns={[
          { title: t('notices.col.title'), render: (_, r) => <Typography.Link>{r.title}</Typography.Link> },
          { title: t('notices.unit'), dataIndex: 'orgName', width: 140 },
          { title: t('notices.col.sentAt'), width: 130, render: (_, r) => when(r.sentAt) },
          {
            title: t('notices.col.reach'),
            width: 120,
            render: (_, r) => (r.staff > 0 ? `${r.households} · ${t('notices.staffN', { n: r.staff })}` : r.households),
          },
          { title: t('notices.col.read'), width: 90, render: (_, r) => `${r.read}/${r.households}` },
          { title: t('notices.col.explained'), dataIndex: 'explained', width: 100 },
          { title: t('notices.col.questions'), dataIndex: 'questionsOpen', width: 90 },
        ]}
      />
      {isComposing && (
        <ComposeModal
          onClose={(sentId) => {
            setComposing(false);
            if (sentId !== undefined) {
              void queryClient.invalidateQueries({ queryKey: keys.all });
              setOpenId(sentId);
            }
          }}
        />
      )}
      {openId !== null && <NoticeDrawer id={openId} onClose={() => setOpenId(null)} />}
    </Card>
  );
}

import {
  Alert,
  Button,
  Checkbox,
  Drawer,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Radio,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { api, sendRaw, unwrap } from '../../../api/client';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { formatTime } from '../../../shared/time';
import { useI18n } from '../../app/i18n';
import { FundingLine } from './DecisionsTab';
import {
  type Attendance,
  type Council,
  type Meeting,
  type MeetingBody,
  useCouncilMutation,
  useMeeting,
  useMeetings,
  useTopics,
} from './queries';

/** `datetime-local` wants local wall time; tomorrow at 19:00 as a start. */
function defaultLocalTime(): string {
  const d = new Date(Date.now() + 86_400_000);
  d.setHours(19, 0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function CallMeeting({ council, onClose }: { council: Council; onClose: (id?: string) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const topics = useTopics(council.id);
  const [form] = Form.useForm<{
    title: string;
    place: string;
    startsAt: string;
    topicIds: string[];
    ballot: 'open' | 'secret';
  }>();
  const call = useCouncilMutation((body: MeetingBody) =>
    unwrap(api.POST('/api/v1/councils/{id}/meetings', { params: { path: { id: council.id } }, body })),
  );
  const ready = (topics.data ?? []).filter(
    (x) => x.status === 'agenda' || (x.status === 'open' && x.proposerKind === 'staff'),
  );
  return (
    <Modal
      open
      title={t('councils.meeting.new')}
      onCancel={() => onClose()}
      onOk={() => form.submit()}
      confirmLoading={call.isPending}
      okButtonProps={{ 'data-testid': 'meeting-call' }}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ startsAt: defaultLocalTime(), ballot: 'open', topicIds: [] }}
        onFinish={(v) =>
          call.mutate(
            {
              title: v.title,
              place: v.place,
              startsAt: new Date(v.startsAt).toISOString(),
              agenda: v.topicIds.map((topicId) => ({ topicId, ballot: v.ballot })),
            },
            {
              onSuccess: (out) => onClose(out.id),
              onError: (e) => showFieldErrors(form, e, i18n, ['title', 'place', 'startsAt']),
            },
          )
        }
      >
        <Form.Item
          name="title"
          label={t('councils.meeting.title')}
          rules={[{ required: true, message: t('councils.required') }]}
        >
          <Input maxLength={100} data-testid="meeting-title" />
        </Form.Item>
        <Form.Item
          name="place"
          label={t('councils.meeting.place')}
          rules={[{ required: true, message: t('councils.required') }]}
        >
          <Input maxLength={100} data-testid="meeting-place" />
        </Form.Item>
        <Form.Item name="startsAt" label={t('councils.meeting.startsAt')} rules={[{ required: true }]}>
          <Input type="datetime-local" />
        </Form.Item>
        <Form.Item
          name="topicIds"
          label={t('councils.meeting.agenda')}
          rules={[{ required: true, message: t('councils.required') }]}
        >
          <Checkbox.Group options={ready.map((x) => ({ value: x.id, label: x.title }))} data-testid="meeting-agenda" />
        </Form.Item>
        <Form.Item name="ballot" label={t('councils.meeting.ballot')}>
          <Radio.Group
            options={(['open', 'secret'] as const).map((b) => ({ value: b, label: t(`councils.ballot.${b}`) }))}
          />
        </Form.Item>
        {call.error !== null && <Alert type="error" showIcon title={errorText(call.error, i18n)} />}
      </Form>
    </Modal>
  );
}

function SignIn({ meeting }: { meeting: Meeting }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [draft, setDraft] = useState<Record<string, { status: Attendance; proxyName?: string }>>({});
  const save = useCouncilMutation(() =>
    unwrap(
      api.POST('/api/v1/council-meetings/{id}/attendance', {
        params: { path: { id: meeting.id } },
        body: {
          entries: meeting.members.map((m) => {
            const d = draft[m.id] ?? { status: m.attendance ?? 'absent', proxyName: m.proxyName ?? undefined };
            return {
              memberId: m.id,
              status: d.status,
              ...(d.status === 'proxy' && d.proxyName ? { proxyName: d.proxyName } : {}),
            };
          }),
        },
      }),
    ),
  );
  return (
    <>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={meeting.members}
        data-testid="meeting-signin"
        onRow={(m) => ({ 'data-member': m.name }) as object}
        columns={[
          { title: t('councils.name'), dataIndex: 'name' },
          {
            title: t('councils.member.kind'),
            dataIndex: 'kind',
            render: (k: Meeting['members'][number]['kind']) => t(`councils.member.kind.${k}`),
          },
          {
            title: t('councils.signIn'),
            render: (_, m) => {
              const d = draft[m.id] ?? { status: m.attendance ?? 'absent', proxyName: m.proxyName ?? undefined };
              return (
                <Flex gap={8}>
                  <Radio.Group
                    size="small"
                    optionType="button"
                    value={d.status}
                    onChange={(e) => setDraft({ ...draft, [m.id]: { ...d, status: e.target.value as Attendance } })}
                    options={(['present', 'proxy', 'absent'] as const).map((s) => ({
                      value: s,
                      label: t(`councils.attendance.${s}`),
                    }))}
                  />
                  {d.status === 'proxy' && (
                    <Input
                      size="small"
                      style={{ width: 120 }}
                      placeholder={t('councils.proxyName')}
                      value={d.proxyName}
                      onChange={(e) => setDraft({ ...draft, [m.id]: { ...d, proxyName: e.target.value } })}
                    />
                  )}
                </Flex>
              );
            },
          },
        ]}
      />
      {save.error !== null && <Alert type="error" showIcon title={errorText(save.error, i18n)} />}
      <Button
        style={{ marginTop: 8 }}
        onClick={() => save.mutate(undefined)}
        loading={save.isPending}
        data-testid="signin-save"
      >
        {t('councils.signIn.save')}
      </Button>
    </>
  );
}

function AgendaItem({ meeting, item }: { meeting: Meeting; item: Meeting['agenda'][number] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const vote = useCouncilMutation((v: { memberId: string; choice: 'yes' | 'no' | 'abstain' }) =>
    unwrap(
      api.POST('/api/v1/council-meetings/{id}/votes', {
        params: { path: { id: meeting.id } },
        body: { topicId: item.topicId, ...v },
      }),
    ),
  );
  const totals = useCouncilMutation((v: { yes: number; no: number; abstain: number }) =>
    unwrap(
      api.POST('/api/v1/council-meetings/{id}/totals', {
        params: { path: { id: meeting.id } },
        body: { topicId: item.topicId, ...v },
      }),
    ),
  );
  const [decisionForm] = Form.useForm<{ resolution: string; owners?: number; subsidy?: number; company?: number }>();
  const decide = useCouncilMutation((body: Parameters<typeof decideBody>[0]) =>
    unwrap(
      api.POST('/api/v1/council-meetings/{id}/decisions', {
        params: { path: { id: meeting.id } },
        body: decideBody(body, item.topicId),
      }),
    ),
  );
  const voters = meeting.members.filter(
    (m) =>
      m.attendance !== null && m.attendance !== 'absent' && (meeting.voteBasis === 'member' || m.householdId !== null),
  );
  const votedHouseholds = new Set(
    meeting.votes
      .filter((v) => v.topicId === item.topicId)
      .map((v) => meeting.members.find((m) => m.id === v.memberId))
      .map((m) => (meeting.voteBasis === 'household' ? m?.householdId : m?.id)),
  );
  const isDecided = item.decisionId !== null;
  return (
    <List.Item data-testid="agenda-item" data-title={item.title} style={{ display: 'block' }}>
      <Flex justify="space-between" align="center">
        <Typography.Text strong>{item.title}</Typography.Text>
        <Tag>{t(`councils.ballot.${item.ballot}`)}</Tag>
      </Flex>
      {item.ballot === 'open' && !isDecided && (
        <List
          size="small"
          dataSource={voters}
          renderItem={(m) => {
            const cast = meeting.votes.find((v) => v.topicId === item.topicId && v.memberId === m.id);
            const key = meeting.voteBasis === 'household' ? m.householdId : m.id;
            return (
              <List.Item data-testid="voter" data-member={m.name}>
                <span>{m.name}</span>
                {cast !== undefined ? (
                  <Tag color={cast.choice === 'yes' ? 'green' : cast.choice === 'no' ? 'red' : 'default'}>
                    {t(`councils.vote.${cast.choice}`)}
                  </Tag>
                ) : votedHouseholds.has(key) ? (
                  <Tag>—</Tag>
                ) : (
                  <Flex gap={4}>
                    {(['yes', 'no', 'abstain'] as const).map((c) => (
                      <Button
                        key={c}
                        size="small"
                        onClick={() => vote.mutate({ memberId: m.id, choice: c })}
                        data-testid={`vote-${c}`}
                      >
                        {t(`councils.vote.${c}`)}
                      </Button>
                    ))}
                  </Flex>
                )}
              </List.Item>
            );
          }}
        />
      )}
      {item.ballot === 'secret' && !isDecided && (
        <Form
          layout="inline"
          onFinish={(v: { yes: number; no: number; abstain: number }) => totals.mutate(v)}
          initialValues={item.tally ?? { yes: 0, no: 0, abstain: 0 }}
        >
          {(['yes', 'no', 'abstain'] as const).map((c) => (
            <Form.Item key={c} name={c} label={t(`councils.vote.${c}`)}>
              <InputNumber min={0} precision={0} />
            </Form.Item>
          ))}
          <Button htmlType="submit">{t('councils.totals.save')}</Button>
        </Form>
      )}
      {(vote.error ?? totals.error) !== null && (
        <Alert type="error" showIcon title={errorText(vote.error ?? totals.error, i18n)} />
      )}
      {item.tally !== null && (
        <Typography.Paragraph data-testid="agenda-result">
          {t('councils.tally', item.tally)} ·{' '}
          {item.hasQuorum === false ? (
            <Tag color="orange">{t('councils.result.noQuorum')}</Tag>
          ) : (
            <Tag color={item.result === 'adopted' ? 'green' : 'red'}>
              {t(`councils.result.${item.result ?? 'rejected'}`)}
            </Tag>
          )}
        </Typography.Paragraph>
      )}
      {isDecided ? (
        <Tag color="green">{t('councils.decided')}</Tag>
      ) : (
        item.tally !== null && (
          <Form
            form={decisionForm}
            layout="vertical"
            onFinish={(v) =>
              decide.mutate(v, { onError: (e) => showFieldErrors(decisionForm, e, i18n, ['resolution']) })
            }
          >
            <Form.Item
              name="resolution"
              label={t('councils.resolution')}
              rules={[{ required: true, message: t('councils.required') }]}
            >
              <Input.TextArea rows={2} maxLength={2000} data-testid="decision-resolution" />
            </Form.Item>
            {item.result === 'adopted' && (
              <Flex gap={12} wrap>
                <Typography.Text type="secondary" style={{ width: '100%' }}>
                  {t('councils.funding')}
                </Typography.Text>
                {(
                  [
                    ['owners', 'councils.funding.owners'],
                    ['subsidy', 'councils.funding.subsidy'],
                    ['company', 'councils.funding.company'],
                  ] as const
                ).map(([name, label]) => (
                  <Form.Item key={name} name={name} label={t(label)}>
                    <InputNumber
                      min={0}
                      precision={2}
                      step={100}
                      style={{ width: 160 }}
                      data-testid={`funding-${name}`}
                    />
                  </Form.Item>
                ))}
              </Flex>
            )}
            {decide.error !== null && (
              <Alert type="error" showIcon title={errorText(decide.error, i18n)} style={{ marginBottom: 8 }} />
            )}
            <Button type="primary" htmlType="submit" loading={decide.isPending} data-testid="decision-submit">
              {t('councils.decide')}
            </Button>
          </Form>
        )
      )}
      {decide.data?.funding != null && <FundingLine funding={decide.data.funding} />}
    </List.Item>
  );
}

/** Yuan typed by staff become whole fen; a split only when some share was typed. */
function decideBody(v: { resolution: string; owners?: number; subsidy?: number; company?: number }, topicId: string) {
  const fen = (y?: number) => Math.round((y ?? 0) * 100);
  const hasSplit = [v.owners, v.subsidy, v.company].some((y) => y !== undefined && y !== null);
  return {
    topicId,
    resolution: v.resolution,
    ...(hasSplit
      ? { funding: { ownersFen: fen(v.owners), subsidyFen: fen(v.subsidy), companyFen: fen(v.company) } }
      : {}),
  };
}

function MeetingPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const meeting = useMeeting(id);
  const [minutes, setMinutes] = useState<string | null>(null);
  const hold = useCouncilMutation((text: string) =>
    unwrap(api.POST('/api/v1/council-meetings/{id}/minutes', { params: { path: { id } }, body: { minutes: text } })),
  );
  const m = meeting.data;
  return (
    <Drawer open width={820} onClose={onClose} title={m?.title} data-testid="meeting-panel">
      {meeting.error !== null && <Alert type="error" showIcon title={errorText(meeting.error, i18n)} />}
      {m !== undefined && (
        <Flex vertical gap={16}>
          <Typography.Text type="secondary">
            {formatTime(m.startsAt)} · {m.place} · <Tag>{t(`councils.meeting.status.${m.status}`)}</Tag>
          </Typography.Text>
          <Typography.Text data-testid="meeting-units">
            {t('councils.units', { eligible: m.eligible, present: m.present })}
          </Typography.Text>
          <Typography.Title level={5}>{t('councils.signIn')}</Typography.Title>
          <SignIn meeting={m} />
          <Typography.Title level={5}>{t('councils.meeting.agenda')}</Typography.Title>
          <List dataSource={m.agenda} renderItem={(item) => <AgendaItem meeting={m} item={item} />} />
          <Typography.Title level={5}>{t('councils.minutes')}</Typography.Title>
          <Input.TextArea
            rows={3}
            value={minutes ?? m.minutes ?? ''}
            onChange={(e) => setMinutes(e.target.value)}
            data-testid="meeting-minutes"
          />
          {hold.error !== null && <Alert type="error" showIcon title={errorText(hold.error, i18n)} />}
          <Button
            onClick={() => hold.mutate(minutes ?? m.minutes ?? '')}
            loading={hold.isPending}
            data-testid="minutes-save"
          >
            {t('councils.minutes.save')}
          </Button>
          <Typography.Title level={5}>{t('councils.photos')}</Typography.Title>
          <Flex gap={8} wrap>
            {m.photoIds.map((p) => (
              <img
                key={p}
                src={`/api/v1/council-meetings/${m.id}/photos/${p}`}
                alt=""
                style={{ height: 96, borderRadius: 4 }}
              />
            ))}
          </Flex>
          <Upload
            accept="image/*"
            showUploadList={false}
            customRequest={({ file, onSuccess, onError }) => {
              const form = new FormData();
              form.append('photo', file as Blob);
              void sendRaw(`/api/v1/council-meetings/${m.id}/photos`, { method: 'POST', body: form })
                .then(async (res) => {
                  if (!res.ok) throw new Error(await res.text());
                  onSuccess?.(null);
                  void meeting.refetch();
                })
                .catch((e: Error) => onError?.(e));
            }}
          >
            <Button>{t('councils.photo.add')}</Button>
          </Upload>
        </Flex>
      )}
    </Drawer>
  );
}

export function MeetingsTab({ council }: { council: Council }) {
  const { t } = useI18n();
  const meetings = useMeetings(council.id);
  const [isCalling, setCalling] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <>
      <Button type="primary" style={{ marginBottom: 12 }} onClick={() => setCalling(true)} data-testid="meeting-new">
        {t('councils.meeting.new')}
      </Button>
      {meetings.data !== undefined && meetings.data.length === 0 && <Empty />}
      <List
        dataSource={meetings.data ?? []}
        renderItem={(m) => (
          <List.Item
            data-testid="council-meeting"
            actions={[
              <Button key="open" size="small" onClick={() => setOpenId(m.id)}>
                {t('councils.meeting.open')}
              </Button>,
            ]}
          >
            <List.Item.Meta title={m.title} description={`${formatTime(m.startsAt)} · ${m.place}`} />
            <Tag>{t(`councils.meeting.status.${m.status}`)}</Tag>
          </List.Item>
        )}
      />
      {isCalling && (
        <CallMeeting
          council={council}
          onClose={(id) => {
            setCalling(false);
            if (id !== undefined) setOpenId(id);
          }}
        />
      )}
      {openId !== null && <MeetingPanel id={openId} onClose={() => setOpenId(null)} />}
    </>
  );
}

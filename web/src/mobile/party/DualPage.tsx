import { Alert, App, Button, Card, Checkbox, Empty, Flex, Form, Input, List, Radio, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../shared/errors';
import { useI18n, type MessageKey } from '../i18n';
import { PhoneLayout } from '../PhoneLayout';
import {
  type Registration,
  useClaim,
  useCommunities,
  useMyRegistrations,
  useOpenings,
  usePickPosts,
  usePostsOf,
  useRegister,
} from './api';

const STATE_COLOR: Record<Registration['status'], string> = {
  pending: 'gold',
  confirmed: 'green',
  refused: 'red',
  ended: 'default',
};

/** The form: the community where she lives (found by name), her name and work unit. */
function RegisterForm() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const communities = useCommunities(q);
  const register = useRegister();
  const [form] = Form.useForm<{ communityCode: string; name: string; workUnit: string; partyOrgName?: string }>();
  return (
    <Card size="small" title={t('dual.title')} style={{ marginBottom: 12 }} data-testid="dual-form">
      <Typography.Paragraph type="secondary">{t('dual.intro')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) =>
          register.mutate(
            {
              communityCode: values.communityCode,
              name: values.name,
              workUnit: values.workUnit,
              ...(values.partyOrgName ? { partyOrgName: values.partyOrgName } : {}),
            },
            {
              onSuccess: () => {
                void message.success(t('dual.sent'));
                form.resetFields();
              },
            },
          )
        }
      >
        <Form.Item label={t('dual.community')} required>
          <Input.Search
            placeholder={t('dual.communitySearch')}
            onSearch={setQ}
            allowClear
            data-testid="dual-community-search"
          />
        </Form.Item>
        <Form.Item name="communityCode" rules={[{ required: true, message: t('dual.communitySearch') }]}>
          <Radio.Group style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
            {(communities.data?.communities ?? []).slice(0, 8).map((c) => (
              <Radio key={c.code} value={c.code} data-testid="dual-community">
                {c.name}
                <Typography.Text type="secondary"> {[c.district, c.street].filter(Boolean).join(' ')}</Typography.Text>
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="name" label={t('dual.name')} rules={[{ required: true, max: 50 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="workUnit" label={t('dual.workUnit')} rules={[{ required: true, max: 100 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="partyOrgName" label={t('dual.partyOrg')} rules={[{ max: 100 }]}>
          <Input />
        </Form.Item>
        {register.error !== null && (
          <Alert type="error" showIcon message={errorText(register.error, i18n)} style={{ marginBottom: 12 }} />
        )}
        <Button type="primary" htmlType="submit" block loading={register.isPending} data-testid="dual-submit">
          {t('dual.submit')}
        </Button>
      </Form>
    </Card>
  );
}

/** A confirmed registration: the posts she serves at. */
function Posts({ registration }: { registration: Registration }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const posts = usePostsOf(registration.id);
  const pick = usePickPosts();
  const [chosen, setChosen] = useState<string[]>(registration.posts.map((p) => p.id));
  if ((posts.data?.items ?? []).length === 0) return null;
  return (
    <div style={{ marginTop: 8 }}>
      <Typography.Text strong>{t('dual.posts')}</Typography.Text>
      <Checkbox.Group
        value={chosen}
        onChange={(v) => setChosen(v)}
        style={{ display: 'flex', flexDirection: 'column', gap: 4, margin: '6px 0' }}
        options={(posts.data?.items ?? []).map((p) => ({ label: p.name, value: p.id }))}
      />
      <Button
        size="small"
        loading={pick.isPending}
        onClick={() =>
          pick.mutate(
            { id: registration.id, postIds: chosen },
            {
              onSuccess: () => void message.success(t('dual.saved')),
              onError: (e) => void message.error(errorText(e, i18n)),
            },
          )
        }
      >
        {t('dual.savePosts')}
      </Button>
    </div>
  );
}

function Openings() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const openings = useOpenings();
  const claim = useClaim();
  const items = openings.data?.items ?? [];
  return (
    <Card size="small" title={t('dual.openings')} style={{ marginBottom: 12 }}>
      {items.length === 0 ? (
        <Empty description={t('dual.noOpenings')} />
      ) : (
        <List
          dataSource={items}
          renderItem={(o) => (
            <List.Item
              data-testid="dual-opening"
              actions={[
                o.isMine ? (
                  <Tag color="green" key="mine">
                    {t('dual.claimed')}
                  </Tag>
                ) : (
                  <Button
                    key="claim"
                    size="small"
                    type="primary"
                    loading={claim.isPending && claim.variables === o.id}
                    onClick={() => claim.mutate(o.id, { onError: (e) => void message.error(errorText(e, i18n)) })}
                  >
                    {t('dual.claim')}
                  </Button>
                ),
              ]}
            >
              <List.Item.Meta title={o.title} description={`${o.communityName} · ${o.helpWanted}`} />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** 双报到 on the phone: register with the community where she lives, then serve there. */
export function DualPage() {
  const { t } = useI18n();
  const mine = useMyRegistrations();
  const items = mine.data?.items ?? [];
  const live = items.filter((r) => r.status === 'pending' || r.status === 'confirmed');
  return (
    <PhoneLayout title={t('dual.title')} back="/m/me">
      {live.length === 0 && !mine.isPending && <RegisterForm />}
      {items.length > 0 && (
        <Card size="small" title={t('dual.mine')} style={{ marginBottom: 12 }}>
          {items.map((r) => (
            <div key={r.id} data-testid="dual-registration" data-status={r.status} style={{ marginBottom: 10 }}>
              <Flex justify="space-between" align="center">
                <Typography.Text strong>{r.communityName}</Typography.Text>
                <Tag color={STATE_COLOR[r.status]}>{t(`dual.state.${r.status}` as MessageKey)}</Tag>
              </Flex>
              <Typography.Text type="secondary">
                {r.workUnit}
                {r.confirmedMinutes > 0 ? ` · ${t('dual.hours', { h: String(r.confirmedMinutes / 60) })}` : ''}
              </Typography.Text>
              {r.note !== null && <Alert type="info" message={r.note} style={{ marginTop: 6 }} />}
              {r.status === 'confirmed' && <Posts registration={r} />}
            </div>
          ))}
        </Card>
      )}
      {live.some((r) => r.status === 'confirmed') && <Openings />}
    </PhoneLayout>
  );
}

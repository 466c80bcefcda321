import {
  Alert,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Skeleton,
  Tabs,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { useAuth } from '../../../shared/auth';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { DecisionsTab } from './DecisionsTab';
import { MeetingsTab } from './MeetingsTab';
import { MembersTab } from './MembersTab';
import { type Council, type CouncilBody, useCouncilMutation, useCouncils } from './queries';
import { TopicsTab } from './TopicsTab';

function CreateCouncil({ onClose }: { onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useAuth();
  const [form] = Form.useForm<CouncilBody>();
  const create = useCouncilMutation((body: CouncilBody) => unwrap(api.POST('/api/v1/councils', { body })));
  const units = (me?.assignments ?? []).map((a) => ({ value: a.orgId, label: a.orgName }));
  return (
    <Modal
      open
      title={t('councils.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          orgId: units[0]?.value,
          voteBasis: 'household',
          quorum: 'half',
          majority: 'half',
          supportThreshold: 20,
          supportDays: 30,
        }}
        onFinish={(values) =>
          create.mutate(values, {
            onSuccess: onClose,
            onError: (e) => showFieldErrors(form, e, i18n, Object.keys(values)),
          })
        }
      >
        <Form.Item name="orgId" label={t('councils.unit')} rules={[{ required: true }]}>
          <Select options={units} />
        </Form.Item>
        <Form.Item name="name" label={t('councils.name')} rules={[{ required: true, message: t('councils.required') }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="voteBasis" label={t('councils.voteBasis')}>
          <Select
            options={(['household', 'member'] as const).map((v) => ({ value: v, label: t(`councils.voteBasis.${v}`) }))}
          />
        </Form.Item>
        <Form.Item name="quorum" label={t('councils.quorum')}>
          <Select
            options={(['half', 'two_thirds'] as const).map((v) => ({ value: v, label: t(`councils.quorum.${v}`) }))}
          />
        </Form.Item>
        <Form.Item name="majority" label={t('councils.majority')}>
          <Select
            options={(['half', 'two_thirds', 'three_quarters'] as const).map((v) => ({
              value: v,
              label: t(`councils.majority.${v}`),
            }))}
          />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item name="supportThreshold" label={t('councils.threshold')}>
            <InputNumber min={1} max={10000} precision={0} />
          </Form.Item>
          <Form.Item name="supportDays" label={t('councils.supportDays')}>
            <InputNumber min={1} max={365} precision={0} />
          </Form.Item>
        </Flex>
        {create.error !== null && <Alert type="error" showIcon title={errorText(create.error, i18n)} />}
      </Form>
    </Modal>
  );
}

/** The rules of a council in words, as the members agreed them. */
export function RulesLine({ council }: { council: Council }) {
  const { t } = useI18n();
  return (
    <Typography.Text type="secondary" data-testid="council-rules">
      {t('councils.rules', {
        basis: t(`councils.voteBasis.${council.voteBasis}`),
        quorum: t(`councils.quorum.${council.quorum}`),
        majority: t(`councils.majority.${council.majority}`),
        threshold: council.supportThreshold,
      })}
    </Typography.Text>
  );
}

/** 居民议事: a council's topics, meetings, decisions with their follow-up, and members. */
export function CouncilsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const councils = useCouncils();
  const [picked, setPicked] = useState<string | null>(null);
  const [isCreating, setCreating] = useState(false);
  if (councils.isPending) return <Skeleton active />;
  if (councils.error !== null) return <Alert type="error" showIcon title={errorText(councils.error, i18n)} />;
  const council = councils.data.find((c) => c.id === picked) ?? councils.data[0];
  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('councils.title')}
        </Typography.Title>
        <Flex gap={8} align="center">
          {councils.data.length > 0 && (
            <Select
              style={{ minWidth: 260 }}
              value={council?.id}
              onChange={setPicked}
              options={councils.data.map((c) => ({ value: c.id, label: `${c.orgName} · ${c.name}` }))}
              data-testid="council-picker"
            />
          )}
          <Button onClick={() => setCreating(true)}>{t('councils.create')}</Button>
        </Flex>
      </Flex>
      {isCreating && <CreateCouncil onClose={() => setCreating(false)} />}
      {council === undefined ? (
        <Empty description={t('councils.none')} />
      ) : (
        <Card>
          <RulesLine council={council} />
          <Tabs
            destroyOnHidden
            items={[
              { key: 'topics', label: t('councils.tab.topics'), children: <TopicsTab council={council} /> },
              { key: 'meetings', label: t('councils.tab.meetings'), children: <MeetingsTab council={council} /> },
              { key: 'decisions', label: t('councils.tab.decisions'), children: <DecisionsTab council={council} /> },
              { key: 'members', label: t('councils.tab.members'), children: <MembersTab council={council} /> },
            ]}
          />
        </Card>
      )}
    </Flex>
  );
}

import {
  Alert,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  List,
  Progress,
  Tag,
  Typography,
} from 'antd';
import { api, unwrap } from '../../../api/client';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { formatTime } from '../../../shared/time';
import { useI18n } from '../../app/i18n';
import { type Council, type Decision, useCouncilMutation, useDecisions } from './queries';

/** Fen as yuan with two decimals, grouped: 6000000 → 60,000.00. */
export const yuan = (fen: number) =>
  (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function FundingLine({ funding }: { funding: NonNullable<Decision['funding']> }) {
  const { t } = useI18n();
  return (
    <span data-testid="decision-funding">
      {t('councils.funding.owners')} ¥{yuan(funding.ownersFen)} · {t('councils.funding.subsidy')} ¥
      {yuan(funding.subsidyFen)} · {t('councils.funding.company')} ¥{yuan(funding.companyFen)}
    </span>
  );
}

function MilestoneForm({ decision }: { decision: Decision }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<{ title: string; ownerName: string; due: { format: (f: string) => string } }>();
  const add = useCouncilMutation((body: { title: string; ownerName: string; dueDate: string }) =>
    unwrap(api.POST('/api/v1/council-decisions/{id}/milestones', { params: { path: { id: decision.id } }, body })),
  );
  return (
    <Form
      form={form}
      layout="inline"
      onFinish={(v) =>
        add.mutate(
          { title: v.title, ownerName: v.ownerName, dueDate: v.due.format('YYYY-MM-DD') },
          {
            onSuccess: () => form.resetFields(),
            onError: (e) => showFieldErrors(form, e, i18n, ['title', 'ownerName']),
          },
        )
      }
    >
      <Form.Item name="title" rules={[{ required: true, message: t('councils.required') }]}>
        <Input placeholder={t('councils.milestone')} maxLength={100} data-testid="milestone-title" />
      </Form.Item>
      <Form.Item name="ownerName" rules={[{ required: true, message: t('councils.required') }]}>
        <Input placeholder={t('councils.milestone.owner')} maxLength={100} data-testid="milestone-owner" />
      </Form.Item>
      <Form.Item name="due" rules={[{ required: true, message: t('councils.required') }]}>
        <DatePicker placeholder={t('councils.milestone.due')} data-testid="milestone-due" />
      </Form.Item>
      <Button htmlType="submit" loading={add.isPending} data-testid="milestone-add">
        {t('councils.milestone.add')}
      </Button>
      {add.error !== null && <Alert type="error" showIcon title={errorText(add.error, i18n)} />}
    </Form>
  );
}

function DecisionCard({ decision }: { decision: Decision }) {
  const i18n = useI18n();
  const { t } = i18n;
  const done = useCouncilMutation((v: { id: string; isDone: boolean }) =>
    unwrap(
      api.POST('/api/v1/council-milestones/{id}/done', { params: { path: { id: v.id } }, body: { isDone: v.isDone } }),
    ),
  );
  return (
    <Card
      size="small"
      title={decision.title}
      data-testid="council-decision"
      data-title={decision.title}
      extra={formatTime(decision.decidedAt)}
    >
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('councils.decision.result')}>
          <Tag color={decision.result === 'adopted' ? 'green' : 'red'}>{t(`councils.status.${decision.result}`)}</Tag>
          {decision.resolution}
        </Descriptions.Item>
        <Descriptions.Item label={t('councils.decision.votes')}>
          {t('councils.units', { eligible: decision.eligible, present: decision.present })} ·{' '}
          {t('councils.tally', { yes: decision.yes, no: decision.no, abstain: decision.abstain })}
        </Descriptions.Item>
        {decision.funding !== null && (
          <Descriptions.Item label={t('councils.funding')}>
            <FundingLine funding={decision.funding} />
          </Descriptions.Item>
        )}
        {decision.result === 'adopted' && (
          <Descriptions.Item label={t('councils.decision.progress')}>
            <Progress
              percent={decision.progress}
              size="small"
              style={{ width: 240 }}
              data-testid="decision-progress"
              data-percent={decision.progress}
            />
          </Descriptions.Item>
        )}
      </Descriptions>
      {decision.result === 'adopted' && (
        <>
          <List
            size="small"
            dataSource={decision.milestones}
            renderItem={(m) => (
              <List.Item data-testid="milestone" data-title={m.title}>
                <Checkbox checked={m.isDone} onChange={(e) => done.mutate({ id: m.id, isDone: e.target.checked })}>
                  {m.title}
                </Checkbox>
                <Typography.Text type="secondary">
                  {m.ownerName} · {m.dueDate}
                </Typography.Text>
              </List.Item>
            )}
          />
          <MilestoneForm decision={decision} />
        </>
      )}
    </Card>
  );
}

export function DecisionsTab({ council }: { council: Council }) {
  const i18n = useI18n();
  const decisions = useDecisions(council.id);
  if (decisions.error !== null) return <Alert type="error" showIcon title={errorText(decisions.error, i18n)} />;
  if (decisions.data !== undefined && decisions.data.length === 0) return <Empty />;
  return (
    <Flex vertical gap={12}>
      {(decisions.data ?? []).map((d) => (
        <DecisionCard key={d.id} decision={d} />
      ))}
    </Flex>
  );
}

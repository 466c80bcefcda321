import { BarChartOutlined, LeftOutlined, PhoneOutlined, RightOutlined } from '@ant-design/icons';
import {
  Alert,
  Badge,
  Button,
  Card,
  Flex,
  Input,
  Select,
  Table,
  Tabs,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { ApiError } from '../../../api/client';
import { errorText } from '../../../shared/errors';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import type { CaseQueue, CaseQueueQuery, CaseStatus, CaseSummary } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE, formatTime } from '../../../shared/time';
import { DutyItemSelect } from '../duties/DutyItemSelect';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { CaseFlags, CaseStatusTag, DueStateTag } from './CaseTags';
import { IntakeDrawer } from './IntakeDrawer';
import { useCaseQueue } from './queries';
import { QUEUE_LABEL, QUEUES, STATUS_LABEL, STATUSES } from './vocabulary';

type StatusFilter = CaseStatus | 'open';
const formatMinute = (iso: string) => dayjs.utc(iso).tz(DISPLAY_ZONE).format('YYYY-MM-DD HH:mm');
const COUNTED_QUEUES: readonly CaseQueue[] = ['mine', 'due_soon', 'overdue', 'escalated'];
const PAGE_SIZES = [20, 50, 100];
const COUNT_COLOR: Partial<Record<CaseQueue, string>> = { due_soon: '#faad14', overdue: '#ff4d4f' };

const isQueue = (v: string | null): v is CaseQueue => QUEUES.includes(v as CaseQueue);
const isStatus = (v: string | null): v is StatusFilter => v === 'open' || STATUSES.includes(v as CaseStatus);

/** The open cases of one queue, counted for its tab (with the same filters). */
function QueueCount({ query }: { query: CaseQueueQuery }) {
  const count = useCaseQueue({ ...query, pageSize: 1 });
  const n = count.data?.total ?? 0;
  return (
    <Badge
      count={n}
      overflowCount={999}
      size="small"
      color={COUNT_COLOR[query.queue ?? 'all'] ?? '#1677ff'}
      style={{ marginInlineStart: 6 }}
    />
  );
}

/** 诉求办理: the queues of cases (mine, my unit's, due soon, overdue, escalated, all) with filters. */
export function CasesPage() {
  const { t, pick } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const [isIntakeOpen, setIntakeOpen] = useState(false);

  const queueParam = search.get('queue');
  const statusParam = search.get('status');
  const queue: CaseQueue = isQueue(queueParam) ? queueParam : can('case.handle') ? 'unit' : 'all';
  const status = isStatus(statusParam) ? statusParam : undefined;
  const dutyCode = search.get('duty') ?? undefined;
  const orgId = search.get('org') ?? undefined;
  const number = search.get('number') ?? undefined;
  const cursor = search.get('cursor') ?? undefined;
  const pageSize = PAGE_SIZES.includes(Number(search.get('size'))) ? Number(search.get('size')) : 20;
  const filters = {
    ...(status === undefined ? {} : { status }),
    ...(dutyCode === undefined ? {} : { dutyCode }),
    ...(orgId === undefined ? {} : { orgId }),
    ...(number === undefined ? {} : { number }),
  };
  const list = useCaseQueue({ queue, ...filters, ...(cursor === undefined ? {} : { cursor }), pageSize });
  /** A hand-edited or stale `cursor=` in the URL: the server names the field; she is offered the first page. */
  const isBadCursor = list.error instanceof ApiError && list.error.errors.some((e) => e.field === 'cursor');

  /** Changes some of the URL's parameters; a new filter or page size starts again at the first page. */
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) next.delete(key);
      else next.set(key, value);
    }
    if (!('cursor' in changes)) next.delete('cursor');
    setSearch(next, { replace: true });
  };

  const columns: TableColumnsType<CaseSummary> = [
    {
      title: t('cases.number'),
      dataIndex: 'number',
      width: 164,
      render: (number: string, c) => (
        <Link to={`/cases/${c.id}`} className="tz-mono" onClick={(e) => e.stopPropagation()}>
          {number}
        </Link>
      ),
    },
    {
      title: t('cases.category'),
      dataIndex: 'dutyName',
      width: 140,
      ellipsis: { showTitle: false },
      render: (name: string | null, c) =>
        name === null ? (
          <Typography.Text type="secondary">{t('cases.uncategorized')}</Typography.Text>
        ) : (
          <Tooltip title={`${c.dutyCode ?? ''} ${name}`}>{name}</Tooltip>
        ),
    },
    {
      title: t('cases.description'),
      dataIndex: 'description',
      ellipsis: { showTitle: false },
      render: (text: string) => <Tooltip title={text}>{text}</Tooltip>,
    },
    {
      title: t('cases.place'),
      key: 'place',
      width: 104,
      ellipsis: { showTitle: false },
      render: (_v, c) => {
        const place = c.address === null ? c.orgName : `${c.orgName} · ${c.address}`;
        return <Tooltip title={place}>{place}</Tooltip>;
      },
    },
    { title: t('cases.handler'), dataIndex: 'handlerName', width: 110, ellipsis: { showTitle: true } },
    {
      title: t('cases.statusTitle'),
      dataIndex: 'status',
      width: 80,
      render: (s: CaseStatus) => <CaseStatusTag status={s} />,
    },
    {
      title: t('cases.dueTitle'),
      key: 'due',
      width: 128,
      render: (_v, c) => (
        <Flex gap={2} wrap>
          <DueStateTag item={c} />
          <CaseFlags item={c} />
        </Flex>
      ),
    },
    {
      title: t('cases.createdAt'),
      dataIndex: 'createdAt',
      width: 136,
      className: 'tz-nowrap',
      render: (at: string) => <span title={formatTime(at)}>{formatMinute(at)}</span>,
    },
  ];

  const total = list.data?.total ?? 0;
  return (
    <Card
      title={t('cases.title')}
      extra={
        <Flex gap={8}>
          <Button icon={<BarChartOutlined />} onClick={() => void navigate('/cases/rates')}>
            {t('nav.caseRates')}
          </Button>
          {can('case.intake') && (
            <Button
              type="primary"
              icon={<PhoneOutlined />}
              onClick={() => setIntakeOpen(true)}
              data-testid="intake-open"
            >
              {t('cases.intake.open')}
            </Button>
          )}
        </Flex>
      }
    >
      <Tabs
        activeKey={queue}
        onChange={(key) => update({ queue: key })}
        items={QUEUES.map((q) => ({
          key: q,
          label: (
            <span data-testid={`queue-${q}`}>
              {t(QUEUE_LABEL[q])}
              {COUNTED_QUEUES.includes(q) && <QueueCount query={{ queue: q, ...filters }} />}
            </span>
          ),
        }))}
      />
      <Flex gap={12} style={{ marginBottom: 16 }} wrap>
        <Select<StatusFilter>
          allowClear
          placeholder={t('cases.filter.status')}
          style={{ width: 150 }}
          value={status}
          onChange={(v) => update({ status: v })}
          options={[
            { value: 'open', label: t('cases.status.open') },
            ...STATUSES.map((s) => ({ value: s, label: pick(STATUS_LABEL[s]) })),
          ]}
          data-testid="filter-status"
        />
        <DutyItemSelect
          allowClear
          placeholder={t('cases.filter.duty')}
          style={{ width: 280 }}
          value={dutyCode}
          onChange={(code) => update({ duty: code })}
        />
        <OrgUnitSelect
          allowClear
          placeholder={t('cases.filter.org')}
          style={{ width: 260 }}
          value={orgId}
          onChange={(id) => update({ org: id })}
        />
        <Input.Search
          allowClear
          placeholder={t('cases.filter.number')}
          style={{ width: 220 }}
          defaultValue={number}
          onSearch={(v) => update({ number: v.trim() === '' ? undefined : v.trim() })}
          data-testid="filter-number"
        />
      </Flex>
      {list.isError && (
        <Alert
          type={isBadCursor ? 'warning' : 'error'}
          showIcon
          style={{ marginBottom: 12 }}
          message={isBadCursor ? t('cases.badCursor') : t('cases.loadFailed')}
          description={isBadCursor ? undefined : errorText(list.error, { pick })}
          action={
            isBadCursor ? (
              <Button size="small" onClick={() => update({ cursor: undefined })} data-testid="queue-first-page">
                {t('cases.firstPage')}
              </Button>
            ) : (
              <Button size="small" onClick={() => void list.refetch()}>
                {t('cases.retry')}
              </Button>
            )
          }
          data-testid="queue-error"
        />
      )}
      <Table<CaseSummary>
        rowKey="id"
        size="middle"
        tableLayout="fixed"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.isFetching}
        onRow={(c) => ({ onClick: () => void navigate(`/cases/${c.id}`), style: { cursor: 'pointer' } })}
        locale={{ emptyText: t(queue === 'mine' ? 'cases.emptyMine' : 'cases.empty') }}
        pagination={false}
        data-testid="case-table"
      />
      <Flex justify="flex-end" align="center" gap={8} style={{ marginTop: 16 }} data-testid="case-pager">
        {!list.isError && (
          <Typography.Text type="secondary">
            {list.data?.isTotalCapped === true
              ? t('common.totalMoreThan', { n: total })
              : t('common.total', { n: total })}
          </Typography.Text>
        )}
        <Button
          icon={<LeftOutlined />}
          disabled={!list.data?.prevCursor}
          onClick={() => update({ cursor: list.data?.prevCursor ?? undefined })}
          data-testid="page-prev"
        >
          {t('common.prevPage')}
        </Button>
        <Button
          disabled={!list.data?.nextCursor}
          onClick={() => update({ cursor: list.data?.nextCursor ?? undefined })}
          data-testid="page-next"
        >
          {t('common.nextPage')}
          <RightOutlined />
        </Button>
        <Select<number>
          style={{ width: 110 }}
          value={pageSize}
          onChange={(size) => update({ size: String(size) })}
          options={PAGE_SIZES.map((n) => ({ value: n, label: t('common.pageSize', { n }) }))}
        />
      </Flex>
      <IntakeDrawer open={isIntakeOpen} onClose={() => setIntakeOpen(false)} />
    </Card>
  );
}

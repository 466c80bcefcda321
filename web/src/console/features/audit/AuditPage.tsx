import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Flex, Form, Input, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { AuditQuery, AuditRecord } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE, formatTime } from '../../../shared/time';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';

interface AuditFilters {
  action?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
  orgId?: string;
}

/** Turns the picked wall-clock times (Asia/Shanghai) into UTC instants for the server. */
function toQuery(filters: AuditFilters): AuditQuery {
  const [from, to] = filters.range ?? [null, null];
  const instant = (d: Dayjs) => dayjs.tz(d.format('YYYY-MM-DDTHH:mm:ss'), DISPLAY_ZONE).toISOString();
  const action = filters.action?.trim();
  return {
    ...(action ? { action } : {}),
    ...(filters.orgId ? { orgId: filters.orgId } : {}),
    ...(from ? { from: instant(from) } : {}),
    ...(to ? { to: instant(to) } : {}),
  };
}

/** 审计日志: every write and every unmask, newest first. */
export function AuditPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<AuditFilters>();
  const [filters, setFilters] = useState<AuditQuery>({});
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const list = useQuery({
    queryKey: ['audit', filters, paging],
    queryFn: () => unwrap(api.GET('/api/v1/audit', { params: { query: { ...filters, ...paging } } })),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<AuditRecord> = [
    { title: t('audit.at'), dataIndex: 'at', width: 170, render: (at: string) => formatTime(at) },
    { title: t('audit.actor'), dataIndex: 'actorName', render: (name: string | null) => name ?? '—' },
    { title: t('audit.action'), dataIndex: 'action', render: (action: string) => <Tag>{action}</Tag> },
    {
      title: t('audit.target'),
      key: 'target',
      render: (_v, r) => (r.targetType ? `${r.targetType}${r.targetId ? ` · …${r.targetId.slice(-8)}` : ''}` : '—'),
    },
    { title: t('audit.org'), dataIndex: 'orgName', render: (name: string | null) => name ?? '—' },
    { title: t('audit.ip'), dataIndex: 'ip', render: (ip: string | null) => ip ?? '—' },
  ];

  return (
    <Card title={t('nav.audit')}>
      <Form<AuditFilters>
        form={form}
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        onFinish={(values) => {
          setFilters(toQuery(values));
          setPaging((p) => ({ ...p, page: 1 }));
        }}
      >
        <Form.Item name="action">
          <Input allowClear placeholder={t('audit.actionPlaceholder')} style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="range">
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
        <Form.Item name="orgId">
          <OrgUnitSelect allowClear placeholder={t('audit.org')} style={{ width: 240 }} />
        </Form.Item>
        <Flex gap={8}>
          <Button type="primary" htmlType="submit">
            {t('common.search')}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              setFilters({});
              setPaging((p) => ({ ...p, page: 1 }));
            }}
          >
            {t('common.reset')}
          </Button>
        </Flex>
      </Form>
      <Table<AuditRecord>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.isFetching}
        expandable={{
          rowExpandable: (r) => (r.detail !== null && r.detail !== undefined) || r.userAgent !== null,
          expandedRowRender: (r) => (
            <Flex vertical gap={4}>
              {r.userAgent && <Typography.Text type="secondary">{r.userAgent}</Typography.Text>}
              {r.detail !== null && r.detail !== undefined && (
                <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>
                  {JSON.stringify(r.detail, null, 2)}
                </pre>
              )}
            </Flex>
          ),
        }}
        pagination={{
          current: paging.page,
          pageSize: paging.pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (n) => t('common.total', { n }),
          onChange: (page, pageSize) => setPaging({ page, pageSize }),
        }}
      />
    </Card>
  );
}

import {
  Alert,
  Button,
  Card,
  Flex,
  Form,
  Input,
  InputNumber,
  Select,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { ResidenceType, Resident, ResidentSearchBody, ResidentStatus } from '../../../api/types';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { CareTagList } from '../../../shared/CareTagList';
import { ExportButton } from './ExportButton';
import { ID_PROBLEM_MESSAGE, isValidPhone, parseIdNumber } from './idNumber';
import { useCareTags, useResidentSearch } from './queries';
import { RevealValue } from './RevealValue';
import {
  GENDER_LABEL,
  RESIDENCE_TYPE_COLOR,
  RESIDENCE_TYPE_LABEL,
  RESIDENCE_TYPES,
  relationKey,
  STATUS_LABEL,
  STATUSES,
} from './vocabulary';

interface SearchForm {
  q?: string;
  idNumber?: string;
  phone?: string;
  address?: string;
  careTag?: string;
  ageMin?: number | null;
  ageMax?: number | null;
  residenceType?: ResidenceType;
  status: ResidentStatus | 'any';
  orgId?: string;
}

function toFilter(values: SearchForm): Omit<ResidentSearchBody, 'page' | 'pageSize'> {
  const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const entries = {
    q: text(values.q),
    idNumber: text(values.idNumber),
    phone: text(values.phone),
    address: text(values.address),
    careTag: values.careTag,
    ageMin: values.ageMin ?? undefined,
    ageMax: values.ageMax ?? undefined,
    residenceType: values.residenceType,
    status: values.status,
    orgId: values.orgId,
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined && v !== null));
}

/** 居民查询: find residents by name or pinyin initials, exact numbers, care tag, age, type and unit. */
export function ResidentSearchPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const careTags = useCareTags();
  const [form] = Form.useForm<SearchForm>();
  const [filter, setFilter] = useState<Omit<ResidentSearchBody, 'page' | 'pageSize'>>({ status: 'living' });
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const body: ResidentSearchBody = { ...filter, ...paging };
  const result = useResidentSearch(body);

  const columns: TableColumnsType<Resident> = [
    {
      title: t('resident.name'),
      dataIndex: 'name',
      width: 100,
      render: (name: string, r) => (
        <span>
          <Typography.Text strong>{name}</Typography.Text>
          {r.status !== 'living' && (
            <Tag style={{ marginInlineStart: 6 }} variant="filled">
              {t(STATUS_LABEL[r.status])}
            </Tag>
          )}
        </span>
      ),
    },
    {
      title: t('resident.genderAge'),
      key: 'age',
      width: 72,
      render: (_v, r) => `${t(GENDER_LABEL[r.gender])} · ${r.age}`,
    },
    {
      title: t('resident.idNumber'),
      dataIndex: 'idNumber',
      width: 200,
      render: (_v, r) =>
        r.idNumber === null ? (
          <Typography.Text type="secondary">{t('resident.noIdShort')}</Typography.Text>
        ) : (
          <RevealValue residentId={r.id} field="idNumber" masked={r.idNumber} />
        ),
    },
    {
      title: t('resident.phone'),
      dataIndex: 'phone',
      width: 136,
      render: (_v, r) => <RevealValue residentId={r.id} field="phone" masked={r.phone} />,
    },
    {
      title: t('household.address'),
      dataIndex: 'address',
      ellipsis: { showTitle: true },
      render: (address: string, r) => (
        <Typography.Link onClick={() => void navigate(`/registry/households/${r.orgId}?household=${r.householdId}`)}>
          {address}
        </Typography.Link>
      ),
    },
    {
      title: t('resident.relation'),
      dataIndex: 'relation',
      width: 76,
      render: (v: string) => {
        const key = relationKey(v);
        return key === undefined ? v : t(key);
      },
    },
    { title: t('household.org'), dataIndex: 'orgName', width: 90, ellipsis: true },
    {
      title: t('resident.residenceType'),
      dataIndex: 'residenceType',
      width: 76,
      render: (v: ResidenceType) => (
        <Tag color={RESIDENCE_TYPE_COLOR[v]} variant="outlined">
          {t(RESIDENCE_TYPE_LABEL[v])}
        </Tag>
      ),
    },
    { title: t('resident.careTags'), key: 'tags', width: 180, render: (_v, r) => <CareTagList tags={r.careTags} /> },
  ];

  // Past 1,000 matches the server stops counting ("1,000+"); one page more than counted keeps "next" open.
  const data = result.data;
  const pagedTotal = data === undefined ? 0 : data.isTotalExact ? data.total : data.total + (data.hasMore ? 1 : 0);
  const totalText =
    data === undefined || data.isTotalExact
      ? t('common.total', { n: data?.total ?? 0 })
      : t('common.totalMoreThan', { n: data.total });

  const search = (values: SearchForm) => {
    setFilter(toFilter(values));
    setPaging((p) => ({ ...p, page: 1 }));
  };

  return (
    <Card
      title={t('nav.residents')}
      extra={<ExportButton filter={filter} total={result.data?.total} isTotalExact={result.data?.isTotalExact} />}
    >
      <Form<SearchForm>
        form={form}
        layout="vertical"
        initialValues={{ status: 'living' }}
        onFinish={search}
        className="tz-filter-form"
        data-testid="resident-search-form"
      >
        <Flex gap={12} wrap>
          <Form.Item name="q" label={t('search.q')} style={{ width: 200 }}>
            <Input allowClear placeholder={t('search.qPlaceholder')} autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="idNumber"
            label={t('resident.idNumber')}
            style={{ width: 220 }}
            rules={[
              {
                validator: (_r, value: string | undefined) => {
                  const v = value?.trim() ?? '';
                  if (v === '') return Promise.resolve();
                  const parsed = parseIdNumber(v);
                  return parsed.ok
                    ? Promise.resolve()
                    : Promise.reject(new Error(t(ID_PROBLEM_MESSAGE[parsed.problem])));
                },
                validateTrigger: 'onSubmit',
              },
            ]}
          >
            <Input allowClear maxLength={18} placeholder={t('search.exact')} autoComplete="off" className="tz-mono" />
          </Form.Item>
          <Form.Item
            name="phone"
            label={t('resident.phone')}
            style={{ width: 160 }}
            rules={[
              {
                validator: (_r, value: string | undefined) =>
                  !value?.trim() || isValidPhone(value)
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('resident.phoneInvalid'))),
              },
            ]}
          >
            <Input allowClear maxLength={20} placeholder={t('search.exact')} autoComplete="off" />
          </Form.Item>
          <Form.Item name="address" label={t('household.address')} style={{ width: 200 }}>
            <Input allowClear maxLength={60} autoComplete="off" />
          </Form.Item>
          <Form.Item name="orgId" label={t('search.unit')} style={{ width: 220 }}>
            <OrgUnitSelect allowClear placeholder={t('search.unitPlaceholder')} />
          </Form.Item>
        </Flex>
        <Flex gap={12} wrap align="flex-end">
          <Form.Item name="careTag" label={t('resident.careTags')} style={{ width: 200 }}>
            <Select
              allowClear
              placeholder={t('search.any')}
              loading={careTags.isPending}
              options={(careTags.data ?? []).map((tag) => ({ value: tag.code, label: tag.name }))}
            />
          </Form.Item>
          <Form.Item label={t('search.ageRange')} style={{ width: 220 }}>
            <Flex gap={6} align="center">
              <Form.Item name="ageMin" noStyle>
                <InputNumber min={0} max={150} placeholder={t('search.ageMin')} style={{ width: '100%' }} />
              </Form.Item>
              <span>–</span>
              <Form.Item name="ageMax" noStyle>
                <InputNumber min={0} max={150} placeholder={t('search.ageMax')} style={{ width: '100%' }} />
              </Form.Item>
            </Flex>
          </Form.Item>
          <Form.Item name="residenceType" label={t('resident.residenceType')} style={{ width: 140 }}>
            <Select
              allowClear
              placeholder={t('search.any')}
              options={RESIDENCE_TYPES.map((r) => ({ value: r, label: t(RESIDENCE_TYPE_LABEL[r]) }))}
            />
          </Form.Item>
          <Form.Item name="status" label={t('resident.status')} style={{ width: 120 }}>
            <Select
              options={[
                ...STATUSES.map((s) => ({ value: s, label: t(STATUS_LABEL[s]) })),
                { value: 'any', label: t('search.anyStatus') },
              ]}
            />
          </Form.Item>
          <Form.Item>
            <Flex gap={8}>
              <Button type="primary" htmlType="submit" data-testid="resident-search-submit">
                {t('common.search')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  search({ status: 'living' });
                }}
              >
                {t('common.reset')}
              </Button>
            </Flex>
          </Form.Item>
        </Flex>
      </Form>
      {result.error !== null && (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} title={errorText(result.error, i18n)} />
      )}
      <Table<Resident>
        rowKey="id"
        size="middle"
        tableLayout="fixed"
        columns={columns}
        dataSource={result.data?.items ?? []}
        loading={result.isFetching}
        pagination={{
          current: paging.page,
          pageSize: paging.pageSize,
          total: pagedTotal,
          showSizeChanger: true,
          showTotal: () => totalText,
          onChange: (page, pageSize) => setPaging({ page, pageSize }),
        }}
        data-testid="resident-results"
      />
    </Card>
  );
}

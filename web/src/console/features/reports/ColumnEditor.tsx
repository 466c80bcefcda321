import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined } from '@ant-design/icons';
import { Button, Card, Col, Form, Input, InputNumber, Row, Segmented, Select, Typography } from 'antd';
import { useI18n } from '../../app/i18n';
import { DutyItemSelect } from '../duties/DutyItemSelect';
import { GENDER_LABEL, RESIDENCE_TYPE_LABEL, RESIDENCE_TYPES, STATUS_LABEL, STATUSES } from '../registry/vocabulary';
import { DERIVED_OPS, FILTER_FIELDS, type FilterField, type Metric } from './api';
import type { ColumnDraft, ColumnType } from './draft';
import { useCareTagOptions } from './queries';

type NamePath = (string | number)[];

const isFilterField = (field: string): field is FilterField => FILTER_FIELDS.some((f) => f === field);

/** The filter inputs a metric accepts (or, for a roster, every resident filter), under `name`. */
export function FilterFields({
  name,
  allowed,
  withStatus = false,
}: {
  name: NamePath;
  allowed: readonly FilterField[];
  withStatus?: boolean;
}) {
  const { t } = useI18n();
  const careTags = useCareTagOptions();
  const has = (field: FilterField) => allowed.includes(field);
  const item = (field: string) => [...name, field];
  return (
    <Row gutter={12}>
      {has('ageMin') && (
        <Col xs={12} md={4}>
          <Form.Item name={item('ageMin')} label={t('reports.filter.ageMin')}>
            <InputNumber min={0} max={150} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      )}
      {has('ageMax') && (
        <Col xs={12} md={4}>
          <Form.Item name={item('ageMax')} label={t('reports.filter.ageMax')}>
            <InputNumber min={0} max={150} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      )}
      {has('gender') && (
        <Col xs={12} md={4}>
          <Form.Item name={item('gender')} label={t('resident.gender')}>
            <Select
              allowClear
              options={(['male', 'female'] as const).map((g) => ({ value: g, label: t(GENDER_LABEL[g]) }))}
            />
          </Form.Item>
        </Col>
      )}
      {has('residenceType') && (
        <Col xs={12} md={5}>
          <Form.Item name={item('residenceType')} label={t('insights.residenceType')}>
            <Select
              allowClear
              options={RESIDENCE_TYPES.map((r) => ({ value: r, label: t(RESIDENCE_TYPE_LABEL[r]) }))}
            />
          </Form.Item>
        </Col>
      )}
      {has('careTag') && (
        <Col xs={12} md={7}>
          <Form.Item name={item('careTag')} label={t('reports.filter.careTag')}>
            <Select
              allowClear
              data-testid="filter-care-tag"
              options={careTags.map((c) => ({ value: c.code, label: c.name }))}
            />
          </Form.Item>
        </Col>
      )}
      {has('dutyItemCode') && (
        <Col xs={24} md={12}>
          <Form.Item name={item('dutyItemCode')} label={t('reports.filter.dutyItem')}>
            <DutyItemSelect allowClear />
          </Form.Item>
        </Col>
      )}
      {has('period') && (
        <Col xs={12} md={6}>
          <Form.Item name={item('period')} label={t('reports.filter.period')}>
            <Select
              allowClear
              placeholder={t('reports.period.report')}
              options={(['report', 'year_to_date', 'all'] as const).map((p) => ({
                value: p,
                label: t(`reports.period.${p}`),
              }))}
            />
          </Form.Item>
        </Col>
      )}
      {withStatus && (
        <Col xs={12} md={5}>
          <Form.Item name={item('status')} label={t('resident.status')}>
            <Select allowClear options={STATUSES.map((s) => ({ value: s, label: t(STATUS_LABEL[s]) }))} />
          </Form.Item>
        </Col>
      )}
    </Row>
  );
}

interface ColumnEditorProps {
  index: number;
  count: number;
  column: ColumnDraft | undefined;
  columns: ColumnDraft[];
  metrics: Metric[];
  onRemove: () => void;
  onMove: (to: number) => void;
}

/** One column of a units template: a metric with its filters, a column computed from others, or one typed by hand. */
export function ColumnEditor({ index, count, column, columns, metrics, onRemove, onMove }: ColumnEditorProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const type: ColumnType = column?.type ?? 'metric';
  const metric = metrics.find((m) => m.id === column?.metric);
  const sources = [...new Set(metrics.map((m) => m.source))];
  const others = columns.filter((c, i) => i !== index && c.key !== '');

  return (
    <Card
      size="small"
      data-testid="template-column"
      title={
        <Typography.Text type="secondary" style={{ fontWeight: 400 }}>
          {t('reports.columnN', { n: index + 1 })}
        </Typography.Text>
      }
      extra={
        <>
          <Button
            size="small"
            type="text"
            icon={<ArrowUpOutlined />}
            disabled={index === 0}
            onClick={() => onMove(index - 1)}
          />
          <Button
            size="small"
            type="text"
            icon={<ArrowDownOutlined />}
            disabled={index === count - 1}
            onClick={() => onMove(index + 1)}
          />
          <Button size="small" type="text" danger icon={<DeleteOutlined />} disabled={count === 1} onClick={onRemove} />
        </>
      }
    >
      <Row gutter={12}>
        <Col xs={24} md={9}>
          <Form.Item
            name={[index, 'label']}
            label={t('reports.columnLabel')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={60} data-testid="column-label" />
          </Form.Item>
        </Col>
        <Col xs={24} md={10}>
          <Form.Item name={[index, 'type']} label={t('reports.columnType')}>
            <Segmented<ColumnType>
              options={(['metric', 'derived', 'manual'] as const).map((v) => ({
                value: v,
                label: t(`reports.columnType.${v}`),
              }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={5}>
          <Form.Item
            name={[index, 'key']}
            label={t('reports.columnKey')}
            rules={[
              { required: true, message: t('common.required') },
              { pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('reports.keyRule') },
            ]}
          >
            <Input className="tz-mono" />
          </Form.Item>
        </Col>
      </Row>
      {type === 'metric' && (
        <>
          <Form.Item
            name={[index, 'metric']}
            label={t('reports.metric')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'search' }}
              data-testid="column-metric"
              options={sources.map((source) => ({
                label: t(`reports.source.${source}` as 'reports.source.registry'),
                title: source,
                options: metrics
                  .filter((m) => m.source === source)
                  .map((m) => ({
                    value: m.id,
                    search: `${m.id} ${m.label_zh} ${m.label_en}`,
                    label: (
                      <span>
                        {i18n.pick({ zh: m.label_zh, en: m.label_en })}
                        <Typography.Text
                          type="secondary"
                          className="tz-mono"
                          style={{ marginInlineStart: 8, fontSize: 12 }}
                        >
                          {m.id}
                        </Typography.Text>
                      </span>
                    ),
                  })),
              }))}
            />
          </Form.Item>
          {metric !== undefined && metric.filters.length > 0 && (
            <FilterFields name={[index, 'filter']} allowed={metric.filters.filter(isFilterField)} />
          )}
        </>
      )}
      {type === 'derived' && (
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item
              name={[index, 'derived', 'op']}
              label={t('reports.derivedOp')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <Select options={DERIVED_OPS.map((op) => ({ value: op, label: t(`reports.op.${op}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item
              name={[index, 'derived', 'args']}
              label={t('reports.derivedArgs')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <Select
                mode="multiple"
                options={others.map((c) => ({ value: c.key, label: `${c.label || c.key}（${c.key}）` }))}
              />
            </Form.Item>
          </Col>
        </Row>
      )}
      {type === 'manual' && <Typography.Text type="warning">{t('reports.manualHint')}</Typography.Text>}
    </Card>
  );
}

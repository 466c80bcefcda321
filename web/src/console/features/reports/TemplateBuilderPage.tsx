import { CopyOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Flex,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Spin,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useEffect, useMemo } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../../api/client';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { levelName } from '../insights/charts';
import { ROSTER_FIELDS, ROW_LEVELS, reportsApi, type FilterField, type TemplateInput } from './api';
import { ColumnEditor, FilterFields } from './ColumnEditor';
import { EMPTY_DRAFT, nextColumnKey, toDraft, toTemplateInput, type TemplateDraft } from './draft';
import { reportKeys, useCopyTemplate, useMetrics, useTemplate } from './queries';

const ROSTER_FILTERS: readonly FilterField[] = ['ageMin', 'ageMax', 'gender', 'residenceType', 'careTag'];
const PII_FIELDS = new Set(['phone', 'idNumber']);

/** The header the spreadsheet will have: merged group cells over runs of columns, and one sample row. */
function HeaderPreview({ input }: { input: TemplateInput }) {
  const { t } = useI18n();
  if (input.rowKind === 'roster') {
    return (
      <Table
        size="small"
        bordered
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={[{ key: 1 }]}
        columns={input.fields.map((f) => ({ title: t(`reports.field.${f}`), key: f, render: () => '…' }))}
      />
    );
  }
  const leaf = (c: (typeof input.columns)[number]) => ({
    title: c.label || c.key,
    key: c.key,
    align: 'right' as const,
    render: () =>
      'manual' in c ? (
        <Typography.Text type="warning">{t('reports.toType')}</Typography.Text>
      ) : (
        <Typography.Text type="success">{'derived' in c ? 'ƒ' : '123'}</Typography.Text>
      ),
  });
  const columns: TableColumnsType<object> = [{ title: levelName(t, input.rowLevel), key: '_unit', render: () => '…' }];
  const keys = input.columns.map((c) => c.key);
  for (let i = 0; i < input.columns.length; i++) {
    const column = input.columns[i]!;
    const group = (input.headerGroups ?? []).find((g) => g.from === column.key);
    const end = group === undefined ? -1 : keys.indexOf(group.to);
    if (group !== undefined && end >= i) {
      columns.push({ title: group.label, key: `group-${i}`, children: input.columns.slice(i, end + 1).map(leaf) });
      i = end;
    } else {
      columns.push(leaf(column));
    }
  }
  return (
    <Table
      size="small"
      bordered
      pagination={false}
      scroll={{ x: 'max-content' }}
      dataSource={[{ key: 1 }]}
      columns={columns}
      data-testid="template-preview"
    />
  );
}

/** The template builder (一表通): rows, columns from shared metrics with filters, hand-typed columns, or a roster. */
export function TemplateBuilderPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { id } = useParams();
  const templateId = id === undefined || id === 'new' ? undefined : id;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<TemplateDraft>();
  const metrics = useMetrics();
  const stored = useTemplate(templateId);
  const values = Form.useWatch([], form) as TemplateDraft | undefined;
  const input = useMemo(() => toTemplateInput({ ...EMPTY_DRAFT, ...values }), [values]);
  const json = useMemo(() => JSON.stringify(input, null, 2), [input]);

  useEffect(() => {
    if (stored.data !== undefined) form.setFieldsValue(toDraft(stored.data));
  }, [stored.data, form]);

  const save = useMutation({
    mutationFn: (draft: TemplateDraft) => {
      const body = toTemplateInput(draft);
      return templateId === undefined ? reportsApi.createTemplate(body) : reportsApi.updateTemplate(templateId, body);
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: reportKeys.all });
      void message.success(t('reports.savedVersion', { version: saved.version }));
      void navigate('/reports');
    },
    onError: (error) => {
      if (
        !showFieldErrors(form, error, i18n, [
          'name',
          'title',
          'rowLevel',
          'columns',
          'headerGroups',
          'filter',
          'fields',
        ])
      ) {
        void message.error(errorText(error, i18n));
      } else if (error instanceof ApiError) {
        void message.error(t('reports.fixFields'));
      }
    },
  });

  const copy = useCopyTemplate();

  if (templateId !== undefined && stored.isPending) return <Spin />;
  // another unit's template: shown, not changed here (the server answers 403 TEMPLATE_NOT_OWNED)
  const isReadOnly = stored.data !== undefined && !stored.data.isOwned;
  const rowKind = values?.rowKind ?? 'units';
  const columns = values?.columns ?? [];
  const keyOptions = columns.filter((c) => c?.key).map((c) => ({ value: c.key, label: c.label || c.key }));

  return (
    <Form<TemplateDraft>
      form={form}
      layout="vertical"
      initialValues={EMPTY_DRAFT}
      onFinish={(draft) => save.mutate(draft)}
      onValuesChange={clearErrorsOnChange(form)}
      data-testid="template-builder"
    >
      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Flex vertical gap={16}>
            <Card
              title={
                templateId === undefined
                  ? t('reports.newTemplate')
                  : t('reports.editTemplate', { version: stored.data?.version ?? '' })
              }
              extra={
                <Flex gap={8}>
                  <Button onClick={() => void navigate('/reports')}>{t('common.cancel')}</Button>
                  {isReadOnly ? (
                    <Button
                      type="primary"
                      loading={copy.isPending}
                      onClick={() => copy.mutate(templateId!)}
                      data-testid="template-copy"
                    >
                      {t('reports.copy')}
                    </Button>
                  ) : (
                    <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="template-save">
                      {t('common.save')}
                    </Button>
                  )}
                </Flex>
              }
            >
              {isReadOnly && (
                <Alert
                  type="info"
                  showIcon
                  style={{ marginBottom: 12 }}
                  title={t('reports.notOwned', { owner: stored.data?.ownerName ?? t('reports.otherUnit') })}
                />
              )}
              <Row gutter={12}>
                <Col xs={24} md={10}>
                  <Form.Item
                    name="name"
                    label={t('reports.name')}
                    rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                  >
                    <Input maxLength={60} placeholder={t('reports.namePlaceholder')} data-testid="template-name" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={14}>
                  <Form.Item
                    name="title"
                    label={t('reports.title')}
                    rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                  >
                    <Input maxLength={120} placeholder={t('reports.titlePlaceholder')} data-testid="template-title" />
                  </Form.Item>
                </Col>
              </Row>
              <Row gutter={12}>
                <Col xs={24} md={10}>
                  <Form.Item name="rowKind" label={t('reports.rows')}>
                    <Radio.Group optionType="button" buttonStyle="solid">
                      <Radio.Button value="units">{t('reports.rowKind.units')}</Radio.Button>
                      <Radio.Button value="roster">{t('reports.rowKind.roster')}</Radio.Button>
                    </Radio.Group>
                  </Form.Item>
                </Col>
                {rowKind === 'units' && (
                  <Col xs={24} md={8}>
                    <Form.Item name="rowLevel" label={t('reports.rowLevel')}>
                      <Select options={ROW_LEVELS.map((l) => ({ value: l, label: levelName(t, l) }))} />
                    </Form.Item>
                  </Col>
                )}
              </Row>
            </Card>

            {rowKind === 'units' ? (
              <>
                <Card size="small" title={t('reports.columns')} loading={metrics.isPending}>
                  <Form.List name="columns">
                    {(fields, { add, remove, move }) => (
                      <Flex vertical gap={12}>
                        {fields.map((field, index) => (
                          <ColumnEditor
                            key={field.key}
                            index={field.name}
                            count={fields.length}
                            column={columns[index]}
                            columns={columns}
                            metrics={metrics.data ?? []}
                            onRemove={() => remove(field.name)}
                            onMove={(to) => move(index, to)}
                          />
                        ))}
                        <Button
                          type="dashed"
                          icon={<PlusOutlined />}
                          onClick={() => add({ type: 'metric', key: nextColumnKey(columns), label: '' })}
                          data-testid="column-add"
                        >
                          {t('reports.addColumn')}
                        </Button>
                      </Flex>
                    )}
                  </Form.List>
                </Card>
                <Card
                  size="small"
                  title={t('reports.headerGroups')}
                  extra={<Typography.Text type="secondary">{t('reports.headerGroupsHint')}</Typography.Text>}
                >
                  <Form.List name="headerGroups">
                    {(fields, { add, remove }) => (
                      <Flex vertical gap={4}>
                        {fields.map((field) => (
                          <Row key={field.key} gutter={8} align="middle">
                            <Col span={9}>
                              <Form.Item
                                name={[field.name, 'label']}
                                rules={[{ required: true, message: t('common.required') }]}
                                style={{ marginBottom: 8 }}
                              >
                                <Input placeholder={t('reports.groupLabel')} />
                              </Form.Item>
                            </Col>
                            <Col span={6}>
                              <Form.Item
                                name={[field.name, 'from']}
                                rules={[{ required: true, message: t('common.required') }]}
                                style={{ marginBottom: 8 }}
                              >
                                <Select placeholder={t('reports.groupFrom')} options={keyOptions} />
                              </Form.Item>
                            </Col>
                            <Col span={6}>
                              <Form.Item
                                name={[field.name, 'to']}
                                rules={[{ required: true, message: t('common.required') }]}
                                style={{ marginBottom: 8 }}
                              >
                                <Select placeholder={t('reports.groupTo')} options={keyOptions} />
                              </Form.Item>
                            </Col>
                            <Col span={3}>
                              <Button type="link" danger onClick={() => remove(field.name)}>
                                {t('reports.remove')}
                              </Button>
                            </Col>
                          </Row>
                        ))}
                        <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ label: '' })}>
                          {t('reports.addGroup')}
                        </Button>
                      </Flex>
                    )}
                  </Form.List>
                </Card>
              </>
            ) : (
              <Card size="small" title={t('reports.rosterTitle')}>
                <Typography.Paragraph type="secondary">{t('reports.rosterHint')}</Typography.Paragraph>
                <FilterFields name={['filter']} allowed={ROSTER_FILTERS} withStatus />
                <Form.Item
                  name="fields"
                  label={t('reports.rosterFields')}
                  rules={[{ required: true, message: t('common.required') }]}
                >
                  <Checkbox.Group
                    options={ROSTER_FIELDS.map((f) => ({
                      value: f,
                      label: (
                        <span>
                          {t(`reports.field.${f}`)}
                          {PII_FIELDS.has(f) && (
                            <Tag color="gold" variant="filled" style={{ marginInlineStart: 4, fontSize: 11 }}>
                              {t('reports.masked')}
                            </Tag>
                          )}
                        </span>
                      ),
                    }))}
                  />
                </Form.Item>
              </Card>
            )}
          </Flex>
        </Col>
        <Col xs={24} xl={9}>
          <Flex vertical gap={16} style={{ position: 'sticky', top: 16 }}>
            <Card size="small" title={t('reports.previewHeader')}>
              <Typography.Paragraph strong style={{ textAlign: 'center', marginBottom: 8 }}>
                {input.title || t('reports.title')}
              </Typography.Paragraph>
              <HeaderPreview input={input} />
              {input.rowKind === 'units' && (
                <Alert
                  style={{ marginTop: 12 }}
                  type={input.columns.some((c) => 'manual' in c) ? 'warning' : 'success'}
                  showIcon
                  title={t('reports.manualCount', { n: input.columns.filter((c) => 'manual' in c).length })}
                />
              )}
            </Card>
            <Card
              size="small"
              title="JSON"
              extra={
                <Button
                  size="small"
                  icon={<CopyOutlined />}
                  onClick={() =>
                    void navigator.clipboard.writeText(json).then(() => message.success(t('common.copied')))
                  }
                >
                  {t('common.copy')}
                </Button>
              }
            >
              <pre
                className="tz-mono"
                style={{ maxHeight: 360, overflow: 'auto', margin: 0, fontSize: 12 }}
                data-testid="template-json-preview"
              >
                {json}
              </pre>
            </Card>
            {stored.data && stored.data.versions.length > 1 && (
              <Card size="small" title={t('reports.versions')}>
                {stored.data.versions.map((v) => (
                  <div key={v.version}>
                    v{v.version} · {v.createdAt.slice(0, 16).replace('T', ' ')} {v.createdBy ?? ''}
                  </div>
                ))}
              </Card>
            )}
          </Flex>
        </Col>
      </Row>
    </Form>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, Radio } from 'antd';
import { api, unwrap } from '../../../api/client';
import type { OrgCreateBody, OrgUnit, PolygonGeometry } from '../../../api/types';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { GeometryField, type DraftState } from './GeometryField';
import { CREATABLE_LEVELS, LEVEL_LABEL } from './levels';
import { orgKeys } from './queries';

interface CreateForm {
  name: string;
  level: OrgCreateBody['level'];
  geometry?: PolygonGeometry;
}

const FIELDS = ['name', 'level', 'geometry'] as const;

/** Creates a grid, compound or villager group under a community. */
export function CreateOrgUnitForm({
  parent,
  draft,
  onClose,
  onCreated,
}: {
  parent: OrgUnit;
  draft: DraftState;
  onClose: () => void;
  onCreated: (unit: OrgUnit) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CreateForm>();

  const create = useMutation({
    mutationFn: (values: CreateForm) =>
      unwrap(
        api.POST('/api/v1/orgs', {
          body: {
            parentId: parent.id,
            level: values.level,
            name: values.name.trim(),
            ...(values.geometry === undefined ? {} : { geometry: values.geometry }),
          },
        }),
      ),
    onSuccess: async (unit) => {
      void message.success(t('org.created', { name: unit.name }));
      await queryClient.invalidateQueries({ queryKey: orgKeys.all });
      onCreated(unit);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, FIELDS)) void message.error(errorText(error, i18n));
    },
  });

  return (
    <Card size="small" title={t('org.createTitle', { name: parent.name })} data-testid="create-org-form">
      <Form<CreateForm>
        form={form}
        layout="vertical"
        initialValues={{ level: 'grid' }}
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(values) => create.mutate(values)}
        requiredMark={false}
      >
        <Form.Item name="level" label={t('org.level')}>
          <Radio.Group
            optionType="button"
            options={CREATABLE_LEVELS.map((level) => ({ value: level, label: t(LEVEL_LABEL[level]) }))}
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('org.name')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input maxLength={64} placeholder={t('org.namePlaceholder')} />
        </Form.Item>
        <Form.Item name="geometry" label={t('org.geometry')}>
          <GeometryField draft={draft} />
        </Form.Item>
        <Flex gap={8} justify="flex-end">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {t('common.create')}
          </Button>
        </Flex>
      </Form>
    </Card>
  );
}

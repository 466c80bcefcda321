import { App, Form, Modal, Radio, Select, Spin } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { useUserList } from '../users/queries';
import {
  createLinkages,
  LINKAGE_KINDS,
  useFieldworkMutation,
  type LinkageCreateBody,
  type LinkageKind,
} from './queries';

export const LINKAGE_KIND_LABEL: Record<LinkageKind, MessageKey> = {
  fanxiang_zouqin: 'fieldwork.kind.fanxiang_zouqin',
  zhucun_lianxin: 'fieldwork.kind.zhucun_lianxin',
  ruwang_zhixin: 'fieldwork.kind.ruwang_zhixin',
  lianhu_jiaoxin: 'fieldwork.kind.lianhu_jiaoxin',
};
export const LINKAGE_KIND_COLOR: Record<LinkageKind, string> = {
  fanxiang_zouqin: 'magenta',
  zhucun_lianxin: 'purple',
  ruwang_zhixin: 'blue',
  lianhu_jiaoxin: 'red',
};

type Target = 'grid' | 'building' | 'selected';

interface AssignForm {
  userId: string;
  kind: LinkageKind;
  target: Target;
  gridId?: string;
  building?: string;
}

/** A person in scope, searched by name or username. */
function UserSelect({ value, onChange, orgId }: { value?: string; onChange?: (id: string) => void; orgId: string }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const users = useUserList({ q, orgId, page: 1, pageSize: 20 });
  return (
    <Select
      value={value}
      onChange={onChange}
      placeholder={t('fieldwork.assign.userPlaceholder')}
      showSearch={{ filterOption: false, onSearch: setQ, searchValue: q }}
      notFoundContent={users.isFetching ? <Spin size="small" /> : undefined}
      options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` }))}
      data-testid="assign-user"
    />
  );
}

/** Every household of a grid with its building, for linking a whole building at once. */
function useGridBuildings(gridId: string | undefined) {
  return useQuery({
    queryKey: ['fieldwork', 'grid-buildings', gridId],
    enabled: gridId !== undefined,
    queryFn: async () => {
      const byBuilding = new Map<string, string[]>();
      for (let page = 1; page <= 50; page++) {
        const answer = await unwrap(
          api.GET('/api/v1/households', { params: { query: { orgId: gridId ?? '', page, pageSize: 200 } } }),
        );
        for (const h of answer.items) {
          if (h.buildingName === null) continue;
          byBuilding.set(h.buildingName, [...(byBuilding.get(h.buildingName) ?? []), h.id]);
        }
        if (page * 200 >= answer.total) break;
      }
      return [...byBuilding.entries()].sort(([a], [b]) => a.localeCompare(b, 'zh-CN'));
    },
  });
}

/**
 * 批量联户: one person linked, with one kind, to every household of a grid, of a building, or to
 * the households picked in the gaps list. Households already linked to her that way are skipped.
 */
export function BulkAssignModal({
  orgId,
  selected,
  open,
  onClose,
}: {
  orgId: string;
  /** households picked in the gaps list */
  selected: string[];
  open: boolean;
  onClose: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<AssignForm>();
  const target = Form.useWatch('target', form);
  const gridId = Form.useWatch('gridId', form);
  const buildings = useGridBuildings(target === 'building' ? gridId : undefined);
  const create = useFieldworkMutation((body: LinkageCreateBody) => createLinkages(orgId, body));

  const submit = async (values: AssignForm) => {
    const base = { userId: values.userId, kind: values.kind };
    let body: LinkageCreateBody;
    if (values.target === 'selected') body = { ...base, householdIds: selected };
    else if (values.target === 'grid') body = { ...base, gridId: values.gridId ?? '' };
    else body = { ...base, householdIds: buildings.data?.find(([name]) => name === values.building)?.[1] ?? [] };
    try {
      const result = await create.mutateAsync(body);
      void message.success(t('fieldwork.assign.done', { created: result.created, skipped: result.skipped }));
      onClose();
    } catch (error) {
      if (!showFieldErrors(form, error, i18n, ['userId', 'kind', 'gridId'])) void message.error(errorText(error, i18n));
    }
  };

  return (
    <Modal
      title={t('fieldwork.assign.title')}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('fieldwork.assign.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      destroyOnHidden
    >
      <Form<AssignForm>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ kind: 'ruwang_zhixin', target: selected.length > 0 ? 'selected' : 'grid' }}
        onFinish={(v) => void submit(v)}
        data-testid="assign-form"
      >
        <Form.Item
          name="userId"
          label={t('fieldwork.assign.user')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <UserSelect orgId={orgId} />
        </Form.Item>
        <Form.Item name="kind" label={t('fieldwork.linkageKind')}>
          <Radio.Group
            optionType="button"
            options={LINKAGE_KINDS.map((k) => ({ value: k, label: t(LINKAGE_KIND_LABEL[k]) }))}
          />
        </Form.Item>
        <Form.Item name="target" label={t('fieldwork.assign.target')}>
          <Radio.Group
            options={[
              { value: 'grid', label: t('fieldwork.assign.byGrid') },
              { value: 'building', label: t('fieldwork.assign.byBuilding') },
              {
                value: 'selected',
                label: t('fieldwork.assign.selected', { n: selected.length }),
                disabled: selected.length === 0,
              },
            ]}
          />
        </Form.Item>
        {(target === 'grid' || target === 'building') && (
          <Form.Item
            name="gridId"
            label={t('fieldwork.assign.grid')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <OrgUnitSelect level="grid" placeholder={t('fieldwork.assign.gridPlaceholder')} />
          </Form.Item>
        )}
        {target === 'building' && (
          <Form.Item
            name="building"
            label={t('fieldwork.assign.building')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select
              loading={buildings.isFetching}
              disabled={gridId === undefined}
              options={(buildings.data ?? []).map(([name, ids]) => ({
                value: name,
                label: t('fieldwork.assign.buildingOption', { name, n: ids.length }),
              }))}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

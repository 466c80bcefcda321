import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Popconfirm, Select, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { type Council, type Member, type MemberBody, useCouncil, useCouncilMutation } from './queries';

export const MEMBER_KINDS = ['resident_rep', 'property_company', 'alliance_unit', 'party_committee', 'staff'] as const;

/** A household of the council's unit, found by its address. */
function HouseholdPicker({
  council,
  value,
  onChange,
}: {
  council: Council;
  value?: string;
  onChange?: (v: string) => void;
}) {
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['households', council.orgId, 'q', q],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/households', {
          params: { query: { orgId: council.orgId, pageSize: 20, ...(q === '' ? {} : { q }) } },
        }),
      ),
  });
  return (
    <Select
      showSearch
      value={value}
      onChange={onChange}
      filterOption={false}
      onSearch={setQ}
      options={(found.data?.items ?? []).map((h) => ({ value: h.id, label: h.address }))}
    />
  );
}

function AddMember({ council, onClose }: { council: Council; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<MemberBody>();
  const kind = Form.useWatch('kind', form);
  const add = useCouncilMutation((body: MemberBody) =>
    unwrap(api.POST('/api/v1/councils/{id}/members', { params: { path: { id: council.id } }, body })),
  );
  return (
    <Modal
      open
      title={t('councils.member.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={add.isPending}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'resident_rep' }}
        onFinish={(v) =>
          add.mutate(v, {
            onSuccess: onClose,
            onError: (e) => showFieldErrors(form, e, i18n, ['kind', 'name', 'organization', 'householdId']),
          })
        }
      >
        <Form.Item name="kind" label={t('councils.member.kind')}>
          <Select options={MEMBER_KINDS.map((k) => ({ value: k, label: t(`councils.member.kind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="name" label={t('councils.name')} rules={[{ required: true, message: t('councils.required') }]}>
          <Input maxLength={100} />
        </Form.Item>
        {kind === 'resident_rep' ? (
          <Form.Item
            name="householdId"
            label={t('councils.member.household')}
            rules={[{ required: true, message: t('councils.required') }]}
          >
            <HouseholdPicker council={council} />
          </Form.Item>
        ) : (
          <Form.Item name="organization" label={t('councils.member.organization')}>
            <Input maxLength={100} />
          </Form.Item>
        )}
        {add.error !== null && <Alert type="error" showIcon title={errorText(add.error, i18n)} />}
      </Form>
    </Modal>
  );
}

export function MembersTab({ council }: { council: Council }) {
  const i18n = useI18n();
  const { t } = i18n;
  const detail = useCouncil(council.id);
  const [isAdding, setAdding] = useState(false);
  const remove = useCouncilMutation((memberId: string) =>
    unwrap(api.DELETE('/api/v1/councils/{id}/members/{memberId}', { params: { path: { id: council.id, memberId } } })),
  );
  const columns: TableColumnsType<Member> = [
    { title: t('councils.name'), dataIndex: 'name' },
    {
      title: t('councils.member.kind'),
      dataIndex: 'kind',
      render: (k: Member['kind']) => t(`councils.member.kind.${k}`),
    },
    { title: t('councils.member.organization'), dataIndex: 'organization' },
    {
      key: 'remove',
      render: (_, m) => (
        <Popconfirm title={t('councils.member.remove')} onConfirm={() => remove.mutate(m.id)}>
          <Button size="small" danger>
            {t('councils.member.remove')}
          </Button>
        </Popconfirm>
      ),
    },
  ];
  return (
    <>
      <Button type="primary" style={{ marginBottom: 12 }} onClick={() => setAdding(true)}>
        {t('councils.member.add')}
      </Button>
      {detail.error !== null && <Alert type="error" showIcon title={errorText(detail.error, i18n)} />}
      <Table
        rowKey="id"
        size="small"
        loading={detail.isPending}
        dataSource={detail.data?.members ?? []}
        columns={columns}
        pagination={false}
      />
      {isAdding && <AddMember council={council} onClose={() => setAdding(false)} />}
    </>
  );
}

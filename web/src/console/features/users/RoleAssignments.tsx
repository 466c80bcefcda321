import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Form, List, Popconfirm, Typography } from 'antd';
import { api, unwrap } from '../../../api/client';
import type { RoleId, User } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { RoleSelect } from './RoleSelect';
import { userKeys } from './queries';

interface GrantForm {
  role: RoleId;
  orgId: string;
}

/** A user's role assignments: each a role bound to an org unit and its subtree. */
export function RoleAssignments({ user }: { user: User }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<GrantForm>();
  const canGrant = can('role.grant') && user.canManage;
  const refresh = () => queryClient.invalidateQueries({ queryKey: userKeys.all });

  const grant = useMutation({
    mutationFn: (body: GrantForm) =>
      unwrap(api.POST('/api/v1/users/{id}/roles', { params: { path: { id: user.id } }, body })),
    onSuccess: async () => {
      form.resetFields();
      await refresh();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, ['role', 'orgId'])) void message.error(errorText(error, i18n));
    },
  });

  const revoke = useMutation({
    mutationFn: (assignmentId: string) =>
      unwrap(
        api.DELETE('/api/v1/users/{id}/roles/{assignmentId}', { params: { path: { id: user.id, assignmentId } } }),
      ),
    onSuccess: refresh,
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  return (
    <Flex vertical gap={12}>
      <List
        size="small"
        bordered
        dataSource={user.assignments}
        locale={{ emptyText: t('common.none') }}
        renderItem={(a) => (
          <List.Item
            actions={
              canGrant
                ? [
                    <Popconfirm key="revoke" title={t('user.revokeConfirm')} onConfirm={() => revoke.mutate(a.id)}>
                      <Typography.Link type="danger">{t('user.revoke')}</Typography.Link>
                    </Popconfirm>,
                  ]
                : []
            }
          >
            <Flex vertical>
              <Typography.Text strong>{pick({ zh: a.roleName_zh, en: a.roleName_en })}</Typography.Text>
              <Typography.Text type="secondary">{a.orgName}</Typography.Text>
            </Flex>
          </List.Item>
        )}
      />
      {canGrant && (
        <Form<GrantForm> form={form} layout="inline" onFinish={(v) => grant.mutate(v)} style={{ rowGap: 8 }}>
          <Form.Item name="role" rules={[{ required: true, message: t('common.required') }]} style={{ width: 160 }}>
            <RoleSelect />
          </Form.Item>
          <Form.Item name="orgId" rules={[{ required: true, message: t('common.required') }]} style={{ width: 220 }}>
            <OrgUnitSelect placeholder={t('user.roleOrg')} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={grant.isPending}>
            {t('user.grant')}
          </Button>
        </Form>
      )}
    </Flex>
  );
}

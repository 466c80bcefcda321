import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { RoleId, UserCreateBody } from '../../../api/types';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { SecretModal } from '../../app/SecretModal';
import { PasswordRuleHint } from '../../../shared/sign-in/PasswordRuleHint';
import { checkPassword } from '../../../shared/sign-in/passwordRule';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { RoleSelect } from './RoleSelect';
import { userKeys } from './queries';

interface CreateUserForm {
  username: string;
  displayName: string;
  phone?: string;
  password?: string;
  homeOrgId?: string;
  roles: { role?: RoleId; orgId?: string }[];
}

const FIELDS = ['username', 'displayName', 'phone', 'password', 'homeOrgId', 'roles'] as const;

function toBody(values: CreateUserForm): UserCreateBody {
  const roles = values.roles.flatMap((r) => (r.role && r.orgId ? [{ role: r.role, orgId: r.orgId }] : []));
  const phone = values.phone?.trim();
  return {
    username: values.username.trim(),
    displayName: values.displayName.trim(),
    homeOrgId: values.homeOrgId ?? roles[0]?.orgId ?? '',
    roles,
    ...(phone ? { phone } : {}),
    ...(values.password ? { password: values.password } : {}),
  };
}

export function CreateUserModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CreateUserForm>();
  const password = Form.useWatch('password', form) ?? '';
  const [initialPassword, setInitialPassword] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (values: CreateUserForm) => unwrap(api.POST('/api/v1/users', { body: toBody(values) })),
    onSuccess: async (result) => {
      void message.success(t('user.created'));
      await queryClient.invalidateQueries({ queryKey: userKeys.all });
      form.resetFields();
      onClose();
      setInitialPassword(result.initialPassword);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, FIELDS)) void message.error(errorText(error, i18n));
    },
  });

  const required = { required: true, whitespace: true, message: t('common.required') };

  return (
    <>
      <Modal
        title={t('user.create')}
        open={open}
        width={640}
        onCancel={onClose}
        onOk={() => form.submit()}
        okText={t('common.create')}
        confirmLoading={create.isPending}
        forceRender
      >
        <Form<CreateUserForm>
          form={form}
          layout="vertical"
          initialValues={{ roles: [{}] }}
          onValuesChange={clearErrorsOnChange(form)}
          onFinish={(values) => create.mutate(values)}
          requiredMark="optional"
          data-testid="create-user-form"
        >
          <Flex gap={12}>
            <Form.Item
              name="username"
              label={t('user.username')}
              rules={[required]}
              extra={t('user.usernameRule')}
              style={{ flex: 1 }}
            >
              <Input autoComplete="off" maxLength={32} />
            </Form.Item>
            <Form.Item name="displayName" label={t('user.displayName')} rules={[required]} style={{ flex: 1 }}>
              <Input maxLength={64} />
            </Form.Item>
          </Flex>
          <Flex gap={12}>
            <Form.Item name="phone" label={t('user.phone')} style={{ flex: 1 }}>
              <Input maxLength={20} inputMode="tel" />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('user.password')}
              style={{ flex: 1 }}
              extra={password === '' ? t('password.optionalHint') : <PasswordRuleHint password={password} />}
              rules={[
                {
                  validator: (_r, value: string | undefined) =>
                    !value || checkPassword(value).isValid
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('password.weak'))),
                },
              ]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          </Flex>
          <Form.Item label={t('user.roles')} required>
            <Form.List name="roles">
              {(fields, { add, remove }) => (
                <Flex vertical gap={8}>
                  {fields.map((field) => (
                    <Flex key={field.key} gap={8} align="flex-start">
                      <Form.Item
                        name={[field.name, 'role']}
                        rules={[{ required: true, message: t('common.required') }]}
                        style={{ width: 180, marginBottom: 0 }}
                      >
                        <RoleSelect />
                      </Form.Item>
                      <Form.Item
                        name={[field.name, 'orgId']}
                        rules={[{ required: true, message: t('common.required') }]}
                        style={{ flex: 1, marginBottom: 0 }}
                      >
                        <OrgUnitSelect placeholder={t('user.roleOrg')} data-testid="role-org-select" />
                      </Form.Item>
                      {fields.length > 1 && (
                        <Button
                          type="text"
                          icon={<MinusCircleOutlined />}
                          onClick={() => remove(field.name)}
                          aria-label={t('user.revoke')}
                        />
                      )}
                    </Flex>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>
                    {t('user.addRole')}
                  </Button>
                </Flex>
              )}
            </Form.List>
          </Form.Item>
          <Form.Item name="homeOrgId" label={t('user.homeOrg')} extra={t('user.homeOrgHint')}>
            <OrgUnitSelect allowClear />
          </Form.Item>
        </Form>
      </Modal>
      <SecretModal
        title={t('user.initialPassword')}
        hint={t('user.initialPasswordHint')}
        secret={initialPassword}
        onClose={() => setInitialPassword(null)}
      />
    </>
  );
}

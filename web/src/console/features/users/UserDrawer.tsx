import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Divider, Drawer, Flex, Popconfirm, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { SecretModal } from '../../app/SecretModal';
import { formatTime } from '../../../shared/time';
import { EditUserModal } from './EditUserModal';
import { RevealPhone } from './RevealPhone';
import { RoleAssignments } from './RoleAssignments';
import { userKeys, useUser } from './queries';
import { UserStatusTag } from './UserStatusTag';

/** One user: details, role assignments, password reset and disabling. */
export function UserDrawer({ userId, onClose }: { userId: string | undefined; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { can, me } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const user = useUser(userId);
  const [newPassword, setNewPassword] = useState<string | null>(null);
  const [isEditing, setEditing] = useState(false);
  const id = userId ?? '';

  const resetPassword = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/users/{id}/reset-password', { params: { path: { id } } })),
    onSuccess: async (result) => {
      setNewPassword(result.initialPassword);
      await queryClient.invalidateQueries({ queryKey: userKeys.all });
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const setDisabled = useMutation({
    mutationFn: (isDisabled: boolean) =>
      unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: { isDisabled } })),
    onSuccess: async () => {
      void message.success(t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: userKeys.all });
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const u = user.data;
  const isSelf = u?.id === me?.id;
  // the server says whether she could grant every role this user holds; the actions only work then
  const canManage = can('user.manage') && u?.canManage === true;
  return (
    <Drawer title={t('user.detail')} open={userId !== undefined} onClose={onClose} size={560} destroyOnHidden>
      {user.error !== null && <Alert type="error" title={errorText(user.error, i18n)} />}
      {user.isPending && <Skeleton active />}
      {u !== undefined && (
        <>
          <Descriptions
            column={1}
            size="small"
            bordered
            items={[
              { key: 'username', label: t('user.username'), children: u.username },
              { key: 'displayName', label: t('user.displayName'), children: u.displayName },
              {
                key: 'phone',
                label: t('user.phone'),
                children:
                  u.phone !== null && can('pii.reveal') ? (
                    <RevealPhone userId={u.id} maskedPhone={u.phone} />
                  ) : (
                    (u.phone ?? '—')
                  ),
              },
              { key: 'homeOrg', label: t('user.homeOrg'), children: u.homeOrgName },
              { key: 'status', label: t('user.status'), children: <UserStatusTag user={u} /> },
              { key: 'createdAt', label: t('user.createdAt'), children: formatTime(u.createdAt) },
            ]}
          />
          {can('user.manage') && !u.canManage && (
            <Alert type="info" showIcon style={{ marginTop: 16 }} title={t('user.beyondAuthority')} />
          )}
          {canManage && (
            <Flex gap={8} style={{ marginTop: 16 }}>
              <Button onClick={() => setEditing(true)}>{t('user.edit')}</Button>
              {!isSelf && (
                <Popconfirm title={t('user.resetConfirm')} onConfirm={() => resetPassword.mutate()}>
                  <Button loading={resetPassword.isPending}>{t('user.resetPassword')}</Button>
                </Popconfirm>
              )}
              {!isSelf && u.isDisabled && (
                <Button onClick={() => setDisabled.mutate(false)} loading={setDisabled.isPending}>
                  {t('user.enable')}
                </Button>
              )}
              {!isSelf && !u.isDisabled && (
                <Popconfirm title={t('user.disableConfirm')} onConfirm={() => setDisabled.mutate(true)}>
                  <Button danger loading={setDisabled.isPending}>
                    {t('user.disable')}
                  </Button>
                </Popconfirm>
              )}
            </Flex>
          )}
          <Divider titlePlacement="start">
            <Typography.Text strong>{t('user.roles')}</Typography.Text>
          </Divider>
          <RoleAssignments user={u} />
          <EditUserModal user={u} open={isEditing} onClose={() => setEditing(false)} />
        </>
      )}
      <SecretModal
        title={t('user.initialPassword')}
        hint={t('user.initialPasswordHint')}
        secret={newPassword}
        onClose={() => setNewPassword(null)}
      />
    </Drawer>
  );
}

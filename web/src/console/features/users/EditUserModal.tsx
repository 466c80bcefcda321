import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, Modal } from 'antd';
import { api, unwrap } from '../../../api/client';
import type { User } from '../../../api/types';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { userKeys } from './queries';

interface EditForm {
  displayName: string;
  phone?: string;
}

/** Edits a user's name and phone; the phone is shown masked, so an empty box keeps it. */
export function EditUserModal({ user, open, onClose }: { user: User; open: boolean; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<EditForm>();

  const save = useMutation({
    mutationFn: (values: EditForm) => {
      const phone = values.phone?.trim();
      const body = { displayName: values.displayName.trim(), ...(phone ? { phone } : {}) };
      return unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body }));
    },
    onSuccess: async () => {
      void message.success(t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: userKeys.all });
      onClose();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, ['displayName', 'phone'])) void message.error(errorText(error, i18n));
    },
  });

  return (
    <Modal
      title={t('user.edit')}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form<EditForm>
        form={form}
        layout="vertical"
        initialValues={{ displayName: user.displayName }}
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(values) => save.mutate(values)}
      >
        <Form.Item
          name="displayName"
          label={t('user.displayName')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="phone" label={t('user.phone')} extra={t('user.phoneKeep')}>
          <Input maxLength={20} inputMode="tel" placeholder={user.phone ?? ''} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

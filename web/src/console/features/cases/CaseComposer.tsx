import { Button, Divider, Flex, Form, Input } from 'antd';
import type { CaseDetail } from '../../../api/types';
import { clearErrorsOnChange } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { useCaseAction } from './useCaseAction';
import type { CaseAction } from './vocabulary';

/** A box under the timeline: an internal note (staff only) or a public reply (the resident is told). */
export function CaseComposer({ detail }: { detail: CaseDetail }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ text: string }>();
  const run = useCaseAction(detail, { form, onDone: () => form.resetFields() });
  const canNote = detail.actions.includes('note');
  const canReply = detail.actions.includes('reply');
  if (!canNote && !canReply) return null;

  const send = async (action: CaseAction) => {
    const { text } = await form.validateFields();
    run.mutate({ action, input: { text } });
  };

  return (
    <Form form={form} onValuesChange={clearErrorsOnChange(form)} data-testid="case-composer">
      <Divider style={{ margin: '4px 0 16px' }} />
      <Form.Item name="text" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
        <Input.TextArea rows={3} maxLength={2000} placeholder={t('cases.composer.placeholder')} />
      </Form.Item>
      <Flex gap={8} justify="end">
        {canNote && (
          <Button
            loading={run.isPending && run.variables.action === 'note'}
            // a refused validation shows beside the box; nothing more to do
            onClick={() => void send('note').catch(() => undefined)}
            title={t('cases.composer.noteHint')}
            data-testid="action-note"
          >
            {t('cases.action.note')}
          </Button>
        )}
        {canReply && (
          <Button
            type="primary"
            loading={run.isPending && run.variables.action === 'reply'}
            onClick={() => void send('reply').catch(() => undefined)}
            title={t('cases.composer.replyHint')}
            data-testid="action-reply"
          >
            {t('cases.action.reply')}
          </Button>
        )}
      </Flex>
    </Form>
  );
}

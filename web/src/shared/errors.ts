import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';
import type { I18n } from './i18n';

/** The message of any thrown value, in the current language. */
export function errorText(error: unknown, i18n: Pick<I18n, 'pick'>): string {
  if (error instanceof ApiError) return i18n.pick({ zh: error.message_zh, en: error.message_en });
  return i18n.pick({ zh: '操作失败', en: 'Something went wrong' });
}

/**
 * Puts the server's field errors next to the matching form fields; returns whether any matched,
 * so the caller can fall back to a general message.
 */
export function showFieldErrors(
  form: FormInstance,
  error: unknown,
  i18n: Pick<I18n, 'pick'>,
  fields: readonly string[],
): boolean {
  if (!(error instanceof ApiError) || error.errors.length === 0) return false;
  const matched = error.errors.filter((e) => fields.includes(e.field.split('.')[0] ?? ''));
  form.setFields(
    matched.map((e) => ({
      name: e.field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
      errors: [i18n.pick({ zh: e.message_zh, en: e.message_en })],
    })),
  );
  return matched.length > 0;
}

/** An `onValuesChange` handler that drops a field's server error as soon as the user changes it. */
export function clearErrorsOnChange(form: FormInstance) {
  return (changed: Record<string, unknown>) =>
    form.setFields(Object.keys(changed).map((name) => ({ name, errors: [] })));
}

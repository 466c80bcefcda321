import { useI18n as useSharedI18n, type I18n as SharedI18n } from '../../shared/i18n';
import type { MessageKey } from './messages';

export type { Lang } from '../../shared/i18n';

/** The console's strings: the shared ones and the console's own (messages.ts). */
export type I18n = SharedI18n<MessageKey>;

export const useI18n = (): I18n => useSharedI18n<MessageKey>();

import { useI18n as useSharedI18n, type I18n as SharedI18n } from '../shared/i18n';
import { sharedMessages } from '../shared/messages';
import { registryVocabularyMessages } from '../shared/registry-vocabulary';
import { visitVocabularyMessages } from '../shared/visit-vocabulary';
import { accountMessages } from './account/messages';
import { councilPhoneMessages } from './councils/messages';
import { elderMessages } from './elder/messages';
import { fieldMessages } from './field/messages';
import { householdsMessages } from './households/messages';
import { mobileMessages } from './messages';
import { pointsMessages } from './points/messages';
import { partyMessages } from './party/messages';
import { venuePhoneMessages } from './venues/messages';
import { fundPhoneMessages } from './funds/messages';
import { canteenPhoneMessages } from './canteen/messages';
import { noticePhoneMessages } from './notices/messages';

/** Every UI string of the phone app, in both languages: the shared ones and the phone pages' own. */
export const messages = {
  ...sharedMessages,
  ...registryVocabularyMessages,
  ...visitVocabularyMessages,
  ...mobileMessages,
  ...elderMessages,
  ...fieldMessages,
  ...householdsMessages,
  ...accountMessages,
  ...councilPhoneMessages,
  ...pointsMessages,
  ...partyMessages,
  ...venuePhoneMessages,
  ...fundPhoneMessages,
  ...canteenPhoneMessages,
  ...noticePhoneMessages,
} as const satisfies Record<string, { zh: string; en: string }>;

export type MessageKey = keyof typeof messages;

export type { Lang } from '../shared/i18n';

/** The phone app's strings: the shared ones and its own. */
export type I18n = SharedI18n<MessageKey>;

export const useI18n = (): I18n => useSharedI18n<MessageKey>();

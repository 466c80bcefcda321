import { useI18n, type I18n } from '../shared/i18n';
import { sharedMessages } from '../shared/messages';
import { publicMessages } from './messages';
import { publicDecisionMessages } from './decisions-messages';
import { publicVenueMessages } from './venues-messages';

/** Every UI string of the public pages: the shared ones and their own. */
export const messages = {
  ...sharedMessages,
  ...publicMessages,
  ...publicDecisionMessages,
  ...publicVenueMessages,
} as const satisfies Record<string, { zh: string; en: string }>;

export type PublicMessageKey = keyof typeof messages;

export const usePublicI18n = (): I18n<PublicMessageKey> => useI18n<PublicMessageKey>();

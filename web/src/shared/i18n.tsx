import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import type { SharedMessageKey } from './messages';

export type Lang = 'zh' | 'en';

/** One UI string in both languages. */
export interface Pair {
  zh: string;
  en: string;
}

/** An app's UI strings by key: the shared ones (shared/messages.ts) and its own. */
export type Dictionary = Readonly<Record<string, Pair>>;

const STORAGE_KEY = 'tz.lang';

function readStoredLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/** The language and the strings of one app; `K` is the keys of its dictionary. */
export interface I18n<K extends string = SharedMessageKey> {
  lang: Lang;
  setLang: (lang: Lang) => void;
  /** the UI string for `key`, with `{name}` placeholders filled from `vars` */
  t: (key: K, vars?: Record<string, string | number>) => string;
  /** picks the message of a server answer (or any zh/en pair) in the current language */
  pick: (pair: Pair) => string;
}

const I18nContext = createContext<I18n<string> | null>(null);

/** Chinese first, English on request (remembered in localStorage); `messages` is the app's dictionary. */
export function I18nProvider({ messages, children }: { messages: Dictionary; children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(readStoredLang);
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');

  const setLang = useCallback((next: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLangState(next);
  }, []);

  const value = useMemo<I18n<string>>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => {
        // the app's own key type keeps this from missing; the key itself beats a blank screen if it does
        let text: string = messages[key]?.[lang] ?? key;
        for (const [name, v] of Object.entries(vars ?? {})) text = text.replaceAll(`{${name}}`, String(v));
        return text;
      },
      pick: (pair) => pair[lang],
    }),
    [lang, setLang, messages],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The strings of the app around; shared components ask for the shared keys only, each app for its own. */
export function useI18n<K extends string = SharedMessageKey>(): I18n<K> {
  const i18n = useContext(I18nContext);
  if (i18n === null) throw new Error('useI18n outside I18nProvider');
  return i18n;
}

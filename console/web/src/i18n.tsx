// English and Chinese. Each page keeps its own small table (defineTable: the Chinese side must
// have every English key, checked by tsc); components read theirs through useT. The choice is
// kept in localStorage and mirrored on <html lang> so screen readers and fonts follow it.
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

export const LANGS = ['en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];

const STORAGE_KEY = 'kitemq.console.lang';

export interface Table<E extends Record<string, string>> {
  en: E;
  zh: Record<keyof E, string>;
}

export function defineTable<const E extends Record<string, string>>(
  en: E,
  zh: Record<keyof E, string>,
): Table<E> {
  return { en, zh };
}

/** Fills {name} placeholders: fmt('{n} queues', { n: 4 }). */
export function fmt(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  );
}

function storedLang(): Lang {
  const v = localStorage.getItem(STORAGE_KEY);
  return v === 'zh' ? 'zh' : 'en';
}

interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
}

const LangContext = createContext<LangState>({ lang: 'en', setLang: () => {} });

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    const initial = storedLang();
    document.documentElement.lang = initial === 'zh' ? 'zh-CN' : 'en';
    return initial;
  });
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLangState(next);
  }, []);
  const value = useMemo(() => ({ lang, setLang }), [lang, setLang]);
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useLang(): LangState {
  return useContext(LangContext);
}

/** The BCP 47 tag for dates and numbers in the chosen language. */
export function useLocale(): string {
  return useLang().lang === 'zh' ? 'zh-CN' : 'en-US';
}

export function useT<E extends Record<string, string>>(table: Table<E>): Record<keyof E, string> {
  return table[useLang().lang];
}

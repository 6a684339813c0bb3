// The two switches every page has: language and light/dark. Both persist in localStorage
// (Mantine's color scheme manager for the scheme, so it is applied before the first paint).
import { ActionIcon, SegmentedControl, Tooltip, useMantineColorScheme } from '@mantine/core';
import { type Lang, useLang, useT } from '../i18n.js';
import { shell } from './shell.i18n.js';

/** Language names are shown in their own language, so they are not translated. */
const LANG_LABELS: Record<Lang, string> = { en: 'English', zh: '中文' };

export function LangSwitch() {
  const { lang, setLang } = useLang();
  const t = useT(shell);
  return (
    <SegmentedControl
      size="xs"
      aria-label={t.language}
      data-testid="lang-switch"
      value={lang}
      onChange={(v) => setLang(v === 'zh' ? 'zh' : 'en')}
      data={[
        { value: 'en', label: LANG_LABELS.en },
        { value: 'zh', label: LANG_LABELS.zh },
      ]}
    />
  );
}

export function SchemeSwitch() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const t = useT(shell);
  const dark = colorScheme === 'dark';
  return (
    <Tooltip label={t.colorScheme}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={t.colorScheme}
        data-testid="scheme-switch"
        onClick={() => setColorScheme(dark ? 'light' : 'dark')}
      >
        {dark ? '☀' : '☾'}
      </ActionIcon>
    </Tooltip>
  );
}

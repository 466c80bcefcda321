import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import { useLayoutEffect, type ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { isElderPath, useElderMode } from './elder-mode';
import './elder.css';

/** The root class elder.css hangs from; on <html> so drawers, modals and toasts (portals) grow too. */
export const ELDER_CLASS = 'tz-elder';

/*
 * Colours chosen to pass 4.5:1 (MIIT 适老化 1.3, WCAG 1.4.3) on white and on the page grey #f5f6f8:
 * antd's default blue #1677ff is 4.1:1 on white and its tertiary grey #8c8c8c 3.4:1, so both go darker.
 * The figures are in docs/elder-mode.md; web/src/e2e/elder.e2e.ts measures the rendered page.
 */
export const ELDER_COLORS = {
  primary: '#0958d9', // 6.2:1 on white; white on it 6.2:1
  primaryHover: '#003eb3', // 9.0:1
  text: '#1f2937', // 14.7:1
  secondary: '#374151', // 10.3:1
  tertiary: '#4b5563', // 7.6:1
  error: '#cf1322', // 5.6:1
  success: '#237804', // 5.6:1
  warning: '#874d00', // 6.8:1
  border: '#6b7280', // 4.8:1: a field's edge is seen (non-text contrast needs 3:1)
} as const;

/**
 * 18 pt is 24 CSS px: the smallest text in elder mode; headings above it; every control 60 px
 * high (MIIT 适老化 2.1: a main component's target at least 60 × 60 in the elder interface).
 */
const ELDER_THEME: ThemeConfig = {
  token: {
    fontSize: 24,
    fontSizeSM: 24,
    fontSizeLG: 26,
    fontSizeXL: 28,
    fontSizeHeading1: 38,
    fontSizeHeading2: 34,
    fontSizeHeading3: 30,
    fontSizeHeading4: 28,
    fontSizeHeading5: 26,
    fontSizeIcon: 22,
    lineHeight: 1.5,
    lineHeightSM: 1.5,
    lineHeightLG: 1.5,
    controlHeight: 60,
    controlHeightSM: 60,
    controlHeightLG: 64,
    colorPrimary: ELDER_COLORS.primary,
    // a tapped button stays "hovered" on a phone: its hover colour must pass too (darker, not lighter)
    colorPrimaryHover: ELDER_COLORS.primaryHover,
    colorPrimaryActive: ELDER_COLORS.primaryHover,
    colorLink: ELDER_COLORS.primary,
    colorLinkHover: ELDER_COLORS.primaryHover,
    colorLinkActive: ELDER_COLORS.primaryHover,
    colorInfo: ELDER_COLORS.primary,
    colorText: ELDER_COLORS.text,
    colorTextHeading: ELDER_COLORS.text,
    colorTextSecondary: ELDER_COLORS.secondary,
    colorTextTertiary: ELDER_COLORS.tertiary,
    colorTextDescription: ELDER_COLORS.tertiary,
    colorTextPlaceholder: ELDER_COLORS.tertiary,
    colorTextLabel: ELDER_COLORS.secondary,
    colorIcon: ELDER_COLORS.secondary,
    colorError: ELDER_COLORS.error,
    colorSuccess: ELDER_COLORS.success,
    colorWarning: ELDER_COLORS.warning,
    colorBorder: ELDER_COLORS.border,
    // the darker seeds above would tint their backgrounds grey-green; keep antd's light ones
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#95de64',
    colorErrorBg: '#fff1f0',
    colorErrorBorder: '#ffa39e',
    colorWarningBg: '#fffbe6',
    colorWarningBorder: '#ffd666',
    colorInfoBg: '#e6f4ff',
    colorInfoBorder: '#91caff',
    borderRadius: 8,
  },
  components: {
    Switch: { trackHeight: 36, trackMinWidth: 72, handleSize: 32, innerMaxMargin: 40, innerMinMargin: 12 },
    Segmented: { itemSelectedColor: ELDER_COLORS.text, itemColor: ELDER_COLORS.secondary },
    Rate: { starSize: 44 },
    Tag: { defaultColor: ELDER_COLORS.text },
  },
};

const NO_CHANGE: ThemeConfig = {};

/** Toasts stay long enough to be read slowly (MIIT 适老化 2.3: enough time). */
const ELDER_MESSAGE = { duration: 8 };
const NORMAL_MESSAGE = {};

/**
 * Wraps the phone app (inside the router): in elder mode, antd's sizes and colours (ConfigProvider tokens) and the
 * root class for everything else (elder.css). The tree is the same either way, so switching keeps
 * what she has typed.
 */
export function ElderTheme({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const isElder = useElderMode() && isElderPath(pathname);
  useLayoutEffect(() => {
    document.documentElement.classList.toggle(ELDER_CLASS, isElder);
    return () => document.documentElement.classList.remove(ELDER_CLASS);
  }, [isElder]);
  return (
    <ConfigProvider theme={isElder ? ELDER_THEME : NO_CHANGE}>
      <AntApp message={isElder ? ELDER_MESSAGE : NORMAL_MESSAGE}>{children}</AntApp>
    </ConfigProvider>
  );
}

/**
 * i18next setup. English is the source language; Simplified Chinese is
 * the second one our users need. Every UI string goes through t().
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import enBase from './en.json';
import zhCNBase from './zh-CN.json';
import alertsEn from './parts/alerts.en.json';
import alertsZh from './parts/alerts.zh-CN.json';
import minioEn from './parts/minio.en.json';
import minioZh from './parts/minio.zh-CN.json';
import onboardingEn from './parts/onboarding.en.json';
import onboardingZh from './parts/onboarding.zh-CN.json';
import restoreEn from './parts/restore.en.json';
import restoreZh from './parts/restore.zh-CN.json';
import runnerEn from './parts/runner.en.json';
import runnerZh from './parts/runner.zh-CN.json';

/**
 * Each area of the console keeps its strings in `parts/<area>.<lang>.json`
 * under its own top-level key, so areas built side by side do not edit one
 * file; the base files hold the shell, the shared words and error names.
 */
export const en = { ...enBase, ...restoreEn, ...minioEn, ...runnerEn, ...alertsEn, ...onboardingEn };
export const zhCN = { ...zhCNBase, ...restoreZh, ...minioZh, ...runnerZh, ...alertsZh, ...onboardingZh };

export const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'zh-CN', label: '简体中文' },
] as const;

export type LanguageCode = (typeof LANGUAGES)[number]['value'];

export const resources = {
  en: { translation: en },
  'zh-CN': { translation: zhCN },
} as const;

export function initI18n(language: LanguageCode): typeof i18n {
  if (!i18n.isInitialized) {
    void i18n.use(initReactI18next).init({
      resources,
      lng: language,
      fallbackLng: 'en',
      // React escapes what it renders; double escaping would show &amp; in file names.
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }
  return i18n;
}

export default i18n;

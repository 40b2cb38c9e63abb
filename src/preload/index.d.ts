import type { EmotionMonitorApi } from '@shared/api';

declare global {
  interface Window {
    api: EmotionMonitorApi;
  }
}

export {};

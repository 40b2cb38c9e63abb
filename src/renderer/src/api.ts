import type { EmotionMonitorApi } from '@shared/api';

/**
 * The contract as the views call it: preload's bridge in the app, the test bridge in the e2e specs
 * (both in place before the page's scripts run). Views import it from here, never from `window`,
 * and run calls whose failure they show through `attempt` (calls.ts).
 */
export const api: EmotionMonitorApi = (globalThis as typeof globalThis & { api: EmotionMonitorApi }).api;

/**
 * The session report: a page of the renderer (the same Svelte components as History) that main
 * prints to PDF from a hidden window, and the test bridge prints with Chromium's own print-to-PDF.
 */
import type { SampleValues } from './sessions';

export interface ReportRequest {
  sessionId: number;
  /** The values History showed when the report was asked for. */
  values: SampleValues;
}

/** Where in the app the report page is: a hash of the app's own page, so no new entry point. */
export function reportHash(request: ReportRequest): string {
  return `#report=${request.sessionId}&values=${request.values}`;
}

/** The report a page's hash asks for, if it is the report page. */
export function parseReportHash(hash: string): ReportRequest | undefined {
  const match = /^#report=(\d+)&values=(raw|calibrated)$/.exec(hash);
  return match ? { sessionId: Number(match[1]), values: match[2] as SampleValues } : undefined;
}

/** What the report page says once it is drawn: the chart's box (CSS pixels) for its PNG, or why it failed. */
export type ReportReadiness =
  | { state: 'ready'; chart?: { x: number; y: number; width: number; height: number } }
  | { state: 'failed'; message: string };

/** The attribute the report page sets on its root when drawn ('ready') or when it could not be ('failed'). */
export const REPORT_STATE_ATTRIBUTE = 'data-report-state';

/**
 * Evaluated in the report page by the printer (Electron's executeJavaScript, Playwright's evaluate):
 * resolves with its ReportReadiness as soon as the page sets REPORT_STATE_ATTRIBUTE, watching the
 * DOM rather than polling on a timer.
 */
export const REPORT_READY_SCRIPT = `new Promise((resolve) => {
  const check = () => {
    const root = document.querySelector('[${REPORT_STATE_ATTRIBUTE}]');
    const state = root && root.getAttribute('${REPORT_STATE_ATTRIBUTE}');
    if (state === 'failed') return resolve({ state, message: root.getAttribute('data-report-error') || 'unknown error' }), true;
    if (state !== 'ready') return false;
    const box = document.querySelector('[data-report-chart]')?.getBoundingClientRect();
    const chart = box && { x: Math.floor(box.x), y: Math.floor(box.y), width: Math.ceil(box.width), height: Math.ceil(box.height) };
    resolve({ state, chart });
    return true;
  };
  if (!check()) {
    const observer = new MutationObserver(() => check() && observer.disconnect());
    observer.observe(document, { subtree: true, childList: true, attributes: true });
  }
})`;

/** The chart's PNG is saved beside the PDF: report.pdf gives report-timeline.png. */
export function chartPathFor(pdfPath: string): string {
  return `${pdfPath.replace(/\.pdf$/i, '')}-timeline.png`;
}

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BrowserWindow } from 'electron';
import { REPORT_READY_SCRIPT, reportHash, type ReportReadiness, type ReportRequest } from '@shared/report';

/** Longest a report page may take to draw before the export gives up, saying so. */
const REPORT_TIMEOUT_MS = 60_000;

/**
 * Prints a session's report: the app's own page in report mode, in a hidden window with the main
 * window's security settings, printed to PDF by Chromium; the timeline chart captured on its own
 * as PNG. The window is closed whatever happens.
 */
export async function printReportWindow(
  appUrl: string,
  request: ReportRequest,
  files: { pdf: string; png: string },
): Promise<void> {
  const window = new BrowserWindow({
    show: false,
    // A4's width at 96 dpi: the page lays out as it prints.
    width: 794,
    height: 1123,
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await window.loadURL(`${appUrl}${reportHash(request)}`);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('The report page did not finish drawing')), REPORT_TIMEOUT_MS);
    });
    const readiness = (await Promise.race([
      window.webContents.executeJavaScript(REPORT_READY_SCRIPT),
      timeout,
    ])) as ReportReadiness;
    if (readiness.state === 'failed') throw new Error(readiness.message);
    if (readiness.chart) {
      // A hidden window's page is only painted for a capture that says it stays hidden.
      const image = await window.webContents.capturePage(readiness.chart, { stayHidden: true });
      await writeFile(files.png, image.toPNG());
    }
    const pdf = await window.webContents.printToPDF({ pageSize: 'A4', printBackground: true });
    await writeFile(files.pdf, pdf);
  } finally {
    clearTimeout(timer);
    window.destroy();
  }
}

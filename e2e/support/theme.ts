import { expect, type Page } from '@playwright/test';

/** The page's background as the browser paints it. */
export function pageBackground(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

/** Fails if anything on screen has changed the page's background from `appBackground`. */
export async function expectAppBackground(page: Page, appBackground: string, where: string): Promise<void> {
  await expect.poll(() => pageBackground(page), { message: `the page background in ${where}` }).toBe(appBackground);
}

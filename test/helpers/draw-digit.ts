// Drawing a digit on the demo page's 280x280 pad with the mouse, as a person would, stroke by stroke.
import { Page } from 'playwright-core';

/**
 * Trace a 28x28 image's ink (pixels >= 128): one mouse stroke along each horizontal run, at 10x.
 * `slant` shears it like italic handwriting: each row moves right by slant * (its distance above the middle) pixels.
 */
export async function drawDigit(page: Page, pixels: Uint8Array, { slant = 0 }: { slant?: number } = {}): Promise<void> {
  const pad = page.locator('#pad');
  await pad.scrollIntoViewIfNeeded(); // mouse coordinates are the viewport's
  const box = (await pad.boundingBox())!;
  for (let y = 0; y < 28; y++) {
    const shift = slant * (14 - y);
    for (let x = 0; x < 28; x++) {
      if (pixels[y * 28 + x] < 128 || (x > 0 && pixels[y * 28 + x - 1] >= 128)) continue;
      let end = x;
      while (end + 1 < 28 && pixels[y * 28 + end + 1] >= 128) end++;
      await page.mouse.move(box.x + 10 * (x + shift) + 5, box.y + 10 * y + 5);
      await page.mouse.down();
      await page.mouse.move(box.x + 10 * (end + shift) + 5, box.y + 10 * y + 5, { steps: 2 });
      await page.mouse.up();
    }
  }
}

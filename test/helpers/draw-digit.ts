// Drawing a digit on the demo page's 280x280 pad with the mouse, as a person would, stroke by stroke.
import { Page } from 'playwright-core';

/**
 * Trace a 28x28 image's ink (pixels >= 128): one mouse stroke along each horizontal run, at 10x.
 * `tilt` (degrees, counter-clockwise) turns the whole digit about the pad's centre, like a writer
 * who keeps the paper turned.
 */
export async function drawDigit(page: Page, pixels: Uint8Array, { tilt = 0 }: { tilt?: number } = {}): Promise<void> {
  const pad = page.locator('#pad');
  await pad.scrollIntoViewIfNeeded(); // mouse coordinates are the viewport's
  const box = (await pad.boundingBox())!;
  const [cos, sin] = [Math.cos((tilt * Math.PI) / 180), Math.sin((tilt * Math.PI) / 180)];
  /** Pixel (x, y) of the 28x28 image -> the mouse position on the pad. */
  const at = (x: number, y: number) => {
    const [dx, dy] = [x - 13.5, y - 13.5];
    return [box.x + 10 * (13.5 + cos * dx + sin * dy) + 5, box.y + 10 * (13.5 - sin * dx + cos * dy) + 5];
  };
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      if (pixels[y * 28 + x] < 128 || (x > 0 && pixels[y * 28 + x - 1] >= 128)) continue;
      let end = x;
      while (end + 1 < 28 && pixels[y * 28 + end + 1] >= 128) end++;
      await page.mouse.move(...(at(x, y) as [number, number]));
      await page.mouse.down();
      await page.mouse.move(...(at(end, y) as [number, number]), { steps: 2 });
      await page.mouse.up();
    }
  }
}

// A picture the user chose, as a model's input bytes in the page: decoded by the browser, laid on
// white (transparency), stretched to the model's height and width by the canvas, and split into
// channel planes (gray: the luma of sRGB, 0.299 R + 0.587 G + 0.114 B).

/** channels x rows x cols bytes (planes) for one picture file. */
export async function picturePixels(file: Blob, channels: 1 | 3, rows: number, cols: number): Promise<Uint8Array> {
  const bitmap = await createImageBitmap(file);
  const canvas = new OffscreenCanvas(cols, rows);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, cols, rows);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, cols, rows);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, cols, rows).data;
  const plane = rows * cols;
  const out = new Uint8Array(channels * plane);
  for (let i = 0; i < plane; i++) {
    const [r, g, b] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]];
    if (channels === 1) out[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else [r, g, b].forEach((v, c) => (out[c * plane + i] = v));
  }
  return out;
}

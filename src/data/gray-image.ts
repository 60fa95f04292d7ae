/** An 8-bit grayscale picture. */
export interface GrayImage {
  width: number;
  height: number;
  /** width * height bytes, row by row. */
  pixels: Uint8Array;
}

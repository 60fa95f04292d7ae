// How many images one inference run scores by default (its own module: the CLI reads it without loading ONNX Runtime).
/**
 * Images per inference run by default. Measured on a 2-core Sapphire Rapids, 2 threads, the 10,000
 * test images (medians of 4): 22.9k images/s at 100, 22.2k at 250, 19.7k at 500, 20.3k at 1000.
 */
export const DEFAULT_INFERENCE_BATCH = 250;

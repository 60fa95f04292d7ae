// What the demo server serves for the page's training modes, and where: the contract between
// demo-server.ts and the page's worker (no Node modules here, so the worker imports it too).

/** How much of MNIST the page gets: training images for its training modes, test images to score them. */
export const DEMO_DATA_COUNTS = { train: 20_000, test: 2_000 } as const;

/** Each split's files (IDX, unpacked), relative to the page. */
export const DEMO_DATA_PATHS = {
  train: { images: 'data/train-images.idx', labels: 'data/train-labels.idx' },
  test: { images: 'data/test-images.idx', labels: 'data/test-labels.idx' },
} as const;

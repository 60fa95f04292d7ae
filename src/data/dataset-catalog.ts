// The IDX datasets the project knows: their files, the SHA-256 of each file's unpacked bytes (the
// dataset itself, whoever compressed it) and, where the mirrors' .gz files are fixed, of those too;
// where to download them, their classes and the shape of one sample. MNIST and Fashion-MNIST share
// file names and format, so a folder is told apart by its checksums.

export type IdxFileKey = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

export interface IdxFile {
  file: string;
  /** SHA-256 of the unpacked IDX bytes. */
  sha256: string;
  /** SHA-256 of the .gz as the mirrors serve it, where it is always the same file. */
  gzSha256?: string;
}

export interface IdxDataset {
  name: string;
  title: string;
  files: Record<IdxFileKey, IdxFile>;
  mirrors: readonly string[];
  /** Environment variables: the folder holding the files, and base URLs replacing `mirrors`. */
  dirEnv: string;
  mirrorsEnv: string;
  classes: readonly string[];
  /** One sample: [channels, rows, cols]. */
  sampleDims: readonly number[];
}

export const MNIST: IdxDataset = {
  name: 'mnist',
  title: 'MNIST',
  files: {
    trainImages: { file: 'train-images-idx3-ubyte.gz', sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db', gzSha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
    trainLabels: { file: 'train-labels-idx1-ubyte.gz', sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5', gzSha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
    testImages: { file: 't10k-images-idx3-ubyte.gz', sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7', gzSha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
    testLabels: { file: 't10k-labels-idx1-ubyte.gz', sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2', gzSha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
  },
  mirrors: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/', 'https://yann.lecun.com/exdb/mnist/'],
  dirEnv: 'MNIST_DIR',
  mirrorsEnv: 'MNIST_MIRRORS',
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  sampleDims: [1, 28, 28],
};

/** Zalando's Fashion-MNIST: the .gz files differ between copies (recompressed), so only the unpacked bytes are checked. */
export const FASHION_MNIST: IdxDataset = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  files: {
    trainImages: { file: 'train-images-idx3-ubyte.gz', sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888' },
    trainLabels: { file: 'train-labels-idx1-ubyte.gz', sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9' },
    testImages: { file: 't10k-images-idx3-ubyte.gz', sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b' },
    testLabels: { file: 't10k-labels-idx1-ubyte.gz', sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34' },
  },
  mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/', 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/'],
  dirEnv: 'FASHION_MNIST_DIR',
  mirrorsEnv: 'FASHION_MNIST_MIRRORS',
  classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  sampleDims: [1, 28, 28],
};

export const DATASETS: Readonly<Record<string, IdxDataset>> = { mnist: MNIST, 'fashion-mnist': FASHION_MNIST };
export const DATASET_NAMES = Object.keys(DATASETS);

/** The known dataset and file whose unpacked bytes have this SHA-256, if any. */
export function recognise(sha256: string): { dataset: IdxDataset; key: IdxFileKey } | undefined {
  for (const dataset of Object.values(DATASETS)) {
    for (const key of Object.keys(dataset.files) as IdxFileKey[]) if (dataset.files[key].sha256 === sha256) return { dataset, key };
  }
  return undefined;
}

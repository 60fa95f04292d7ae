// `demo`: the in-browser demo of the exported model (draw a digit, see the prediction).
import type { CommandModule, InferredOptionTypes } from 'yargs';
import { UsageError } from '../errors';
import { artifactsOption, modelOption } from '../options';

const options = {
  ...modelOption,
  ...artifactsOption,
  'model-file': { type: 'string', describe: 'the model the page runs (default <artifacts>/<model>.onnx)' },
  port: { type: 'number', default: 5173, describe: 'port on 127.0.0.1' },
  'data-dir': {
    type: 'string',
    describe: 'MNIST for the page\'s training modes (else $MNIST_DIR, else ./data/mnist, else download there)',
  },
} as const;

export const demoCommand: CommandModule<object, InferredOptionTypes<typeof options>> = {
  command: 'demo',
  describe: 'build and serve the in-browser demo page on 127.0.0.1',
  builder: (y) =>
    y.options(options).check((a) => {
      if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${a.port}`);
      return true;
    }),
  handler: async (args) => {
    const { buildDemo, demoDataFiles, serveDemo, portIsFree } = await import('../demo-server.js');
    const { loadSplit, locateMnist } = await import('../../data/dataset-files.js');
    const { classifierFile } = await import('../classifier-file.js');
    const modelFile = classifierFile(args).path; // fails early, with a clear message
    await portIsFree(args.port); // before the build, which takes a while
    // The page's training modes learn from a slice of MNIST; without it the page still predicts.
    let data = new Map<string, Uint8Array>();
    try {
      const mnist = await locateMnist({ dataDir: args['data-dir'], onLog: (line) => console.log(line) });
      data = demoDataFiles(loadSplit(mnist, 'train'), loadSplit(mnist, 'test'));
    } catch (e) {
      console.log(`demo: no MNIST for the training modes (${(e as Error).message}); the page only predicts`);
    }
    const dir = await buildDemo();
    const server = await serveDemo(dir, modelFile, args.port, data);
    console.log(`demo: ${server.url} (model ${modelFile}; Ctrl-C to stop)`);
    await new Promise<void>((done) => process.once('SIGINT', () => void server.close().then(done)));
  },
};

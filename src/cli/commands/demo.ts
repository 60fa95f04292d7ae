// `demo`: the in-browser demo of the exported model (draw a digit, see the prediction).
import type { CommandModule, InferredOptionTypes } from 'yargs';
import { artifactsOption, modelOption } from '../options';

const options = {
  ...modelOption,
  ...artifactsOption,
  'model-file': { type: 'string', describe: 'the model the page runs (default <artifacts>/<model>.onnx)' },
  port: { type: 'number', default: 5173, describe: 'port on 127.0.0.1' },
} as const;

export const demoCommand: CommandModule<object, InferredOptionTypes<typeof options>> = {
  command: 'demo',
  describe: 'build and serve the in-browser demo page on 127.0.0.1',
  builder: (y) => y.options(options),
  handler: async (args) => {
    const { buildDemo, serveDemo } = await import('../demo-server');
    const { classifierFile } = await import('../classifier-file');
    const modelFile = classifierFile(args).path; // fails early, with a clear message
    const dir = await buildDemo();
    const server = await serveDemo(dir, modelFile, args.port);
    console.log(`demo: ${server.url} (model ${modelFile}; Ctrl-C to stop)`);
    await new Promise<void>((done) => process.once('SIGINT', () => void server.close().then(done)));
  },
};

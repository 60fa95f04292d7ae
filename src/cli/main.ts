#!/usr/bin/env node
// Command-line entry: parse options with yargs and hand over to the command modules.
import './user-cwd'; // first: relative paths are the user's
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { buildModelCommand } from './commands/build-model';
import { checkEpCommand } from './commands/check-ep';
import { compareEpCommand } from './commands/compare-ep';
import { demoCommand } from './commands/demo';
import { evaluateCommand } from './commands/evaluate';
import { predictCommand } from './commands/predict';
import { trainCommand } from './commands/train';
import { INSTALLED } from '../io/package-root';
import { reportError, UsageError } from './errors';
import { checkCommandLineLength, checkRepeatedFlags, ignoreClosedOutput } from './process-guards';

async function main(argv: string[]): Promise<void> {
  const verbose = argv.includes('--verbose');
  ignoreClosedOutput();
  try {
    checkCommandLineLength();
    checkRepeatedFlags(argv);
    await yargs(argv)
      .scriptName(INSTALLED ? 'lenet-onnx-ts' : 'npm run')
      .command(buildModelCommand)
      .command(trainCommand)
      .command(evaluateCommand)
      .command(predictCommand)
      .command(demoCommand)
      .command(checkEpCommand)
      .command(compareEpCommand)
      .option('verbose', { type: 'boolean', default: false, describe: 'show stack traces on errors' })
      .demandCommand(1, 'name a command: build-model, train, evaluate, predict, demo, check-ep or compare-ep')
      .strict()
      .fail((msg, err) => {
        if (err) throw err;
        // yargs writes some refusals over several lines ("Invalid values:\n  Argument: ..."): one line here
        throw new UsageError(msg.replace(/:?\s*\n\s*/g, ': '));
      })
      .help()
      .parseAsync();
  } catch (e) {
    process.exitCode = reportError(e, verbose);
  }
}

void main(hideBin(process.argv));

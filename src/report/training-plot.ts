// The training report picture: loss and accuracy per epoch, drawn with Vega-Lite as SVG.
import * as vega from 'vega';
import * as vl from 'vega-lite';

export interface EpochMetrics {
  epoch: number;
  loss: number;
  train_accuracy: number;
  val_accuracy?: number;
  samples_per_s: number;
  lr: number;
  elapsed_s: number;
}

export async function trainingPlotSvg(title: string, metrics: EpochMetrics[]): Promise<string> {
  const accuracy = metrics.flatMap((m) => [
    { epoch: m.epoch, split: 'training', accuracy: m.train_accuracy },
    ...(m.val_accuracy !== undefined ? [{ epoch: m.epoch, split: 'validation', accuracy: m.val_accuracy }] : []),
  ]);
  const epochAxis = { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } } as const;
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, fontSize: 14 },
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
    hconcat: [
      {
        title: 'training loss (mean softmax cross-entropy)',
        width: 360,
        height: 240,
        data: { values: metrics },
        mark: { type: 'line', color: '#c0392b', point: { color: '#c0392b' } },
        encoding: { x: epochAxis, y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { type: 'log' } } },
      },
      {
        title: 'accuracy',
        width: 360,
        height: 240,
        data: { values: accuracy },
        mark: { type: 'line', point: true },
        encoding: {
          x: epochAxis,
          y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { zero: false }, axis: { format: '.1%' } },
          color: { field: 'split', type: 'nominal', title: null, scale: { range: ['#2c7fb8', '#e67e22'] } },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

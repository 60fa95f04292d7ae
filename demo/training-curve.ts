// The live training curve: each step's loss and accuracy, drawn with Vega-Lite as steps arrive.
import * as vega from 'vega';
import * as vl from 'vega-lite';

export interface CurvePoint {
  step: number;
  loss: number;
  accuracy: number;
}

const stepAxis = { field: 'step', type: 'quantitative', title: 'step' } as const;

const spec: vl.TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  config: { font: 'system-ui, sans-serif', view: { stroke: '#ddd' } },
  // Room for the first chart's axis labels: the layout is made before any point has arrived.
  padding: { left: 40, top: 4, right: 8, bottom: 4 },
  data: { name: 'points' },
  hconcat: [
    {
      title: 'loss (per step)',
      width: 280,
      height: 150,
      mark: { type: 'line', color: '#c0392b', strokeWidth: 1.5 },
      encoding: { x: stepAxis, y: { field: 'loss', type: 'quantitative', title: null } },
    },
    {
      title: 'accuracy (per batch)',
      width: 280,
      height: 150,
      mark: { type: 'line', color: '#2c7fb8', strokeWidth: 1.5 },
      encoding: { x: stepAxis, y: { field: 'accuracy', type: 'quantitative', title: null, scale: { domain: [0, 1] }, axis: { format: '.0%' } } },
    },
  ],
};

/** A chart in `container`; add() appends points, clear() starts over. */
export function trainingCurve(container: HTMLElement) {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'svg', container, hover: false });
  void view.runAsync();
  return {
    add(points: CurvePoint[]) {
      void view.change('points', vega.changeset().insert(points)).runAsync();
    },
    clear() {
      void view.change('points', vega.changeset().remove(() => true)).runAsync();
    },
  };
}

// Learning-rate schedules step by step against the rates PyTorch 2.13's schedulers give
// (recorded from torch.optim.lr_scheduler: OneCycleLR with defaults and cycle_momentum=False,
// CosineAnnealingLR, StepLR; stepped once per optimizer step).
import { CONSTANT_LR, learningRateAt, ScheduleConfig } from '../../src/training/run/schedules';

// OneCycleLR(max_lr=3e-3, total_steps=50)
const ONECYCLE = [
    0.00011999999999999988, 0.000156103806458174, 0.0002626048302205165, 0.00043416266524603673, 0.0006621746853234236,
    0.0009352074156707161, 0.0012395698551029074, 0.00156, 0.0018804301448970926, 0.0021847925843292834,
    0.0024578253146765763, 0.0026858373347539628, 0.0028573951697794834, 0.002963896193541826, 0.003,
    0.0029939614651470947, 0.002975894479320413, 0.0029459445072666157, 0.002904352688550382, 0.002851453896040421,
    0.0027876740397100377, 0.002713526637460455, 0.0026296086805766205, 0.002536595827104403, 0.0024352369618492894,
    0.0023263481667962654, 0.0022108061504975234, 0.0020895411893306955, 0.001963529637460455, 0.0018337860658088677,
    0.0017013550933268882, 0.0015673029763367903, 0.0014327090236632102, 0.001298656906673112, 0.0011662259341911321,
    0.001036482362539545, 0.0009104708106693045, 0.0007892058495024768, 0.000673663833203735, 0.0005647750381507109,
    0.00046341617289559695, 0.0003704033194233797, 0.00028648536253954527, 0.00021233796028996245, 0.00014855810395957884,
    9.565931144961802e-05, 5.406749273338431e-05, 2.411752067958709e-05, 6.050534852905369e-06, 1.2e-08,
  ];
// CosineAnnealingLR(lr 0.1, T_max=20, eta_min=0.001)
const COSINE = [
    0.1, 0.09939057285945932, 0.09757729755661011, 0.09460482294732421, 0.09054634122155991,
    0.0855017856687341, 0.07959536998847742, 0.07297252973710756, 0.0657963412215599, 0.05824350601949144,
    0.0505, 0.04275649398050859, 0.03520365877844011, 0.02802747026289244, 0.02140463001152259,
    0.015498214331265903, 0.010453658778440109, 0.006395177052675795, 0.0034227024433899004, 0.001609427140540686,
    0.001,
  ];
// StepLR(lr 0.1, step_size=3, gamma=0.5)
const STEP = [
    0.1, 0.1, 0.1, 0.05, 0.05,
    0.05, 0.025, 0.025, 0.025, 0.0125,
  ];

const rates = (lr: number, s: ScheduleConfig, steps: number, total: number) => Array.from({ length: steps }, (_, i) => learningRateAt(lr, s, i, total));
const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 12));

test('onecycle is OneCycleLR', () => close(rates(3e-3, { ...CONSTANT_LR, name: 'onecycle' }, 50, 50), ONECYCLE));
test('cosine is CosineAnnealingLR', () => close(rates(0.1, { ...CONSTANT_LR, name: 'cosine', lrMin: 0.001 }, 21, 20), COSINE));
test('step is StepLR', () => close(rates(0.1, { ...CONSTANT_LR, name: 'step', stepSize: 3, gamma: 0.5 }, 10, 100), STEP));

test('constant, and a linear warm-up before a schedule', () => {
  expect(rates(0.5, CONSTANT_LR, 3, 10)).toEqual([0.5, 0.5, 0.5]);
  expect(rates(0.4, { ...CONSTANT_LR, warmupSteps: 4 }, 6, 10)).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.4, 0.4]);
  // after the warm-up the cosine runs over the remaining steps
  const warm = rates(0.1, { ...CONSTANT_LR, name: 'cosine', lrMin: 0.001, warmupSteps: 5 }, 26, 25);
  close(warm.slice(5), COSINE);
});

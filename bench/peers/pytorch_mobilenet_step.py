#!/usr/bin/env python3
"""PyTorch peer for `npm run bench:import -- --network mobilenet`: a MobileNetV2-style network
scaled to 28x28 digits (a 3x3 stem at 16 channels; inverted residual blocks, each a 1x1 expansion
by 6, a 3x3 depthwise convolution (groups = channels) and a 1x1 projection, with batch norm and
ReLU6: two at 16 channels on 28x28, a stride-2 one to 24 channels and one more at 14x14, a stride-2
one to 32 channels and one more at 7x7; global pool, linear), fine-tuned in eval() mode with SGD.

  export FILE   writes the module (seeded weights, running statistics) with the TorchScript exporter
  steps         median time of one SGD step (forward, cross-entropy, backward, update) on one batch
Prints one JSON object on stdout.
"""
import argparse, json, warnings

import torch
import torch.nn as nn
from sgd_step_timing import time_sgd_steps

warnings.filterwarnings("ignore")


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        e = cin * 6
        self.body = nn.Sequential(
            nn.Conv2d(cin, e, 1, bias=False), nn.BatchNorm2d(e), nn.ReLU6(),
            nn.Conv2d(e, e, 3, stride, 1, groups=e, bias=False), nn.BatchNorm2d(e), nn.ReLU6(),
            nn.Conv2d(e, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class MobileNetStyle(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.blocks = nn.Sequential(InvertedResidual(16, 16, 1), InvertedResidual(16, 16, 1),
                                    InvertedResidual(16, 24, 2), InvertedResidual(24, 24, 1),
                                    InvertedResidual(24, 32, 2), InvertedResidual(32, 32, 1))
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc(self.blocks(self.stem(x)).mean([2, 3]))


def build():
    torch.manual_seed(0)
    m = MobileNetStyle()
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.1, 0.1)
            mod.running_var.uniform_(0.8, 1.2)
    return m.eval()


p = argparse.ArgumentParser()
p.add_argument("mode", choices=["export", "steps"])
p.add_argument("file", nargs="?")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--channels-last", action="store_true")
a = p.parse_args()
torch.set_num_threads(a.threads)
model = build()
if a.mode == "export":
    torch.onnx.export(model, (torch.rand(2, 1, 28, 28),), a.file, dynamo=False, do_constant_folding=False, opset_version=17,
                      input_names=["input"], output_names=["scores"], dynamic_axes={"input": {0: "batch"}})
    print(json.dumps({"parameters": sum(p.numel() for p in model.parameters())}))
else:
    time_sgd_steps(model, a.batch, a.channels_last)

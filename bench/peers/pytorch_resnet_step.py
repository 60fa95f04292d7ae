#!/usr/bin/env python3
"""PyTorch peer for `npm run bench:import`: a ResNet-style network (the shape of torchvision's
resnet18, scaled to 28x28 digits: a conv stem, four stages of two residual blocks at 16/32/64/128
channels, global pool, linear), fine-tuned in eval() mode with SGD at batch 32.

  export FILE   writes the module (seeded weights, running statistics) with the TorchScript exporter
  steps         median time of one SGD step (forward, cross-entropy, backward, update) on one batch
Prints one JSON object on stdout.
"""
import argparse, json, warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from sgd_step_timing import time_sgd_steps

warnings.filterwarnings("ignore")


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.short = None if stride == 1 and cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        return F.relu(y + (x if self.short is None else self.short(x)))


class ResNetStyle(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        layers, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2), (128, 2)):
            layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.layers(self.stem(x)), 1), 1))


def build():
    torch.manual_seed(0)
    m = ResNetStyle()
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.1, 0.1)
            mod.running_var.uniform_(0.8, 1.2)
    return m.eval()


p = argparse.ArgumentParser()
p.add_argument("mode", choices=["export", "steps"])
p.add_argument("file", nargs="?")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--batch", type=int, default=32)
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

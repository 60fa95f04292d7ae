#!/usr/bin/env python3
"""PyTorch peer for `npm run bench:import`: a ResNet-style network (the shape of torchvision's
resnet18, scaled to 28x28 digits: a conv stem, four stages of two residual blocks at 16/32/64/128
channels, global pool, linear), fine-tuned in eval() mode with SGD at batch 32.

  export FILE   writes the module (seeded weights, running statistics) with the TorchScript exporter
  steps         median time of one SGD step (forward, cross-entropy, backward, update) on one batch
Prints one JSON object on stdout.
"""
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from step_peer import exported_network_main

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


exported_network_main(ResNetStyle, 32)

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
import warnings

import torch.nn as nn
from step_peer import exported_network_main

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


exported_network_main(MobileNetStyle, 64)

#!/usr/bin/env python3
"""PyTorch peer for `npm run bench:cnn`: the project's ReLU CNN (model/cnn.onnx-builder.ts: three
3x3 convolutions at 16/32/64 channels, each with batch norm and ReLU, 2x2 average pools after the
last two, dropout 0.2, linear) trained in train() mode (batch statistics, running statistics
updated) with SGD.

  steps         median time of one SGD step (forward, cross-entropy, backward, update) on one batch
Prints one JSON object on stdout.
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
from step_peer import time_sgd_steps


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(cin, cout, 3, 1, 1, bias=False) for cin, cout in ((1, 16), (16, 32), (32, 64)))
        self.norms = nn.ModuleList(nn.BatchNorm2d(c) for c in (16, 32, 64))
        self.dense = nn.Linear(64 * 7 * 7, 10)

    def forward(self, x):
        for i, (conv, norm) in enumerate(zip(self.convs, self.norms)):
            x = F.relu(norm(conv(x)))
            if i > 0:
                x = F.avg_pool2d(x, 2)
        return self.dense(F.dropout(torch.flatten(x, 1), 0.2, self.training))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["steps"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--channels-last", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Cnn().train()
    time_sgd_steps(model, a.batch, a.channels_last, parameters=sum(p.numel() for p in model.parameters()))

# The colour backbone of the transfer-learning test, made the PyTorch way: a small RGB CNN with
# seeded random weights (ten outputs), exported with the TorchScript exporter. (The gray backbone
# trained on digits 0-4 is bench/peers/pytorch_transfer.py's.) Usage: torch-backbone.py OUT
import sys

import torch
import torch.nn as nn

torch.manual_seed(0)
net = nn.Sequential(
    nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
    nn.Flatten(), nn.Linear(32, 10)).eval()
torch.onnx.export(net, torch.zeros(2, 3, 28, 28), sys.argv[1], input_names=['image'], output_names=['scores'],
                  dynamic_axes={'image': {0: 'batch'}, 'scores': {0: 'batch'}}, dynamo=False)

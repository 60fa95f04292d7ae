# Backbones made the PyTorch way for the transfer-learning test, exported with the TorchScript
# exporter: 'gray', a small CNN trained for one epoch on MNIST's digits 0-4 (five outputs); 'rgb', a
# small colour CNN with seeded random weights (ten outputs). Usage: torch-backbone.py MNIST_DIR OUT KIND
import gzip
import struct
import sys
from pathlib import Path

import torch
import torch.nn as nn

mnist_dir, out, kind = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
torch.manual_seed(0)


def idx(name):
    path = mnist_dir / name
    raw = gzip.open(path).read() if path.exists() else (mnist_dir / name.removesuffix('.gz')).read_bytes()
    dims = struct.unpack('>I', raw[:4])[0] & 0xFF
    shape = struct.unpack('>' + 'I' * dims, raw[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(raw[4 + 4 * dims:]), dtype=torch.uint8).view(*shape)


if kind == 'gray':
    net = nn.Sequential(
        nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(512, 64), nn.ReLU(), nn.Linear(64, 5))
    images, labels = idx('train-images-idx3-ubyte.gz'), idx('train-labels-idx1-ubyte.gz')
    keep = labels < 5
    x = images[keep].float().div(255).unsqueeze(1)
    y = labels[keep].long()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    order = torch.randperm(len(y))
    for start in range(0, len(y), 64):
        batch = order[start:start + 64]
        opt.zero_grad()
        nn.functional.cross_entropy(net(x[batch]), y[batch]).backward()
        opt.step()
    example = torch.zeros(2, 1, 28, 28)
else:
    net = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(32, 10))
    example = torch.zeros(2, 3, 28, 28)

net.eval()
torch.onnx.export(net, example, out, input_names=['image'], output_names=['scores'],
                  dynamic_axes={'image': {0: 'batch'}, 'scores': {0: 'batch'}}, dynamo=False)

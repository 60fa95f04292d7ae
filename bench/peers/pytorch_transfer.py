# PyTorch's side of `npm run bench:transfer`. 'backbone': a small CNN trained one epoch on MNIST's
# digits 0-4 (Adam), exported with the TorchScript exporter and saved as a state dict. 'finetune':
# the same network, its layers up to the flatten frozen, a new Linear(512, 5) head trained on the
# benchmark's pictures (AdamW lr 0.01, batch 100, 30 epochs, the same order of batches is not
# attempted) either running the frozen layers at every step ('whole') or on features computed once
# ('cached'); prints the seconds (from the data in memory to the last step), the held-out accuracy
# and the peak RSS as one JSON line.
import argparse
import gzip
import json
import resource
import struct
import time
from pathlib import Path

import torch
import torch.nn as nn

EPOCHS, BATCH, LR = 30, 100, 0.01


def backbone_and_head():
    features = nn.Sequential(
        nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
    return features, nn.Sequential(nn.Linear(512, 64), nn.ReLU(), nn.Linear(64, 5))


def idx(path: Path):
    raw = gzip.open(path).read() if path.exists() else path.with_suffix('').read_bytes()
    dims = raw[3]
    shape = struct.unpack('>' + 'I' * dims, raw[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(raw[4 + 4 * dims:]), dtype=torch.uint8).view(*shape)


def backbone(mnist_dir: Path, onnx_out: str, state_out: str):
    torch.manual_seed(0)
    features, head = backbone_and_head()
    net = nn.Sequential(features, head)
    images, labels = idx(mnist_dir / 'train-images-idx3-ubyte.gz'), idx(mnist_dir / 'train-labels-idx1-ubyte.gz')
    keep = labels < 5
    x, y = images[keep].float().div(255).unsqueeze(1), labels[keep].long()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    order = torch.randperm(len(y))
    for start in range(0, len(y), 64):
        b = order[start:start + 64]
        opt.zero_grad()
        nn.functional.cross_entropy(net(x[b]), y[b]).backward()
        opt.step()
    net.eval()
    torch.save(features.state_dict(), state_out)
    torch.onnx.export(net, torch.zeros(2, 1, 28, 28), onnx_out, input_names=['image'], output_names=['scores'],
                      dynamic_axes={'image': {0: 'batch'}, 'scores': {0: 'batch'}}, dynamo=False)
    print(json.dumps({'trained_on': int(len(y))}))


def read_set(path: Path):
    raw = path.read_bytes()
    n = struct.unpack('<I', raw[:4])[0]
    x = torch.frombuffer(bytearray(raw[4:4 + n * 784]), dtype=torch.uint8).view(n, 1, 28, 28).float().div(255)
    y = torch.frombuffer(bytearray(raw[4 + n * 784:4 + n * 785]), dtype=torch.uint8).long()
    return x, y


def finetune(state: str, train_set: Path, held_set: Path, threads: int, mode: str):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    features, _ = backbone_and_head()
    features.load_state_dict(torch.load(state))
    features.eval().requires_grad_(False)
    head = nn.Linear(512, 5)
    (x, y), (hx, hy) = read_set(train_set), read_set(held_set)
    opt = torch.optim.AdamW(head.parameters(), lr=LR)
    started = time.perf_counter()
    inputs = features(x) if mode == 'cached' else x
    for epoch in range(EPOCHS):
        order = torch.randperm(len(y))
        for start in range(0, len(y), BATCH):
            b = order[start:start + BATCH]
            opt.zero_grad()
            f = inputs[b] if mode == 'cached' else features(inputs[b])
            nn.functional.cross_entropy(head(f), y[b]).backward()
            opt.step()
    seconds = time.perf_counter() - started
    with torch.no_grad():
        accuracy = (head(features(hx)).argmax(1) == hy).float().mean().item()
    print(json.dumps({'seconds': seconds, 'held_out_accuracy': accuracy, 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


parser = argparse.ArgumentParser()
parser.add_argument('mode', choices=['backbone', 'finetune'])
parser.add_argument('args', nargs='*')
a = parser.parse_args()
if a.mode == 'backbone':
    backbone(Path(a.args[0]), a.args[1], a.args[2])
else:
    finetune(a.args[0], Path(a.args[1]), Path(a.args[2]), int(a.args[3]), a.args[4])

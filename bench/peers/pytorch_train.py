#!/usr/bin/env python3
"""PyTorch peer for `npm run bench:train`: `train` of the project's LeNet or cnn, as a user runs it.

  epoch    one epoch over the 60,000 training images with the recipe's optimizer, schedule and batch
           (the runner times the whole process: Python's start and torch's import included);
           prints the seconds inside, the training accuracy and the peak RSS
  memory   --steps training steps at --batch-size on the first training images; prints the peak RSS
Prints one JSON object on stdout.
"""
import argparse, json, math, resource, time

import torch
import torch.nn.functional as F
from pytorch_cnn_step import Cnn
from pytorch_lenet import LeNet, add_common_arguments, load, xavier_mxnet


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['epoch', 'memory'])
    ap.add_argument('--model', choices=['lenet', 'cnn'], default='cnn')
    ap.add_argument('--optimizer', choices=['sgd', 'adamw'], default='sgd')
    ap.add_argument('--lr', type=float, default=0.03)
    ap.add_argument('--lr-schedule', choices=['constant', 'onecycle'], default='constant')
    ap.add_argument('--batch-size', type=int, default=100)
    ap.add_argument('--steps', type=int, default=3)
    add_common_arguments(ap)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = LeNet() if a.model == 'lenet' else Cnn()
    xavier_mxnet(model, a.seed)
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt).train()
    if a.optimizer == 'adamw':
        opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=a.lr)
    x, y = load(a.data_dir, 'train')

    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        logits = model(xb.contiguous(memory_format=fmt))
        F.cross_entropy(logits, yb).backward()
        opt.step()
        return int((logits.argmax(1) == yb).sum())

    if a.mode == 'memory':
        for _ in range(a.steps):
            step(x[:a.batch_size], y[:a.batch_size])
        print(json.dumps({'peak_rss_mb': peak_rss_mb()}))
        return

    per_epoch = math.ceil(len(y) / a.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=per_epoch, cycle_momentum=False) if a.lr_schedule == 'onecycle' else None
    g = torch.Generator().manual_seed(a.seed)
    t = time.perf_counter()
    order = torch.randperm(len(y), generator=g)
    correct = 0
    for i in range(0, len(y), a.batch_size):
        idx = order[i:i + a.batch_size]
        correct += step(x[idx], y[idx])
        if sched:
            sched.step()
    dt = time.perf_counter() - t
    print(json.dumps({'epoch_s': dt, 'accuracy': correct / len(y), 'peak_rss_mb': peak_rss_mb()}))


if __name__ == '__main__':
    main()

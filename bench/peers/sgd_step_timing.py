"""The timing both step peers (pytorch_resnet_step.py, pytorch_cnn_step.py) share, as the project's
side does it: one seeded batch of 28x28 digits-sized inputs, SGD at rate 0 (the weights stay put),
10 warm-up steps, then the median of 40; printed as one JSON object with the peak RSS."""
import json, resource, time

import torch
import torch.nn.functional as F


def time_sgd_steps(model, batch, channels_last, **extra):
    g = torch.Generator().manual_seed(1)
    x = torch.rand(batch, 1, 28, 28, generator=g)
    y = torch.randint(0, 10, (batch,), generator=g)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.0)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(10):
        step()
    times = []
    for _ in range(40):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(json.dumps({"step_ms": times[len(times) // 2], "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))

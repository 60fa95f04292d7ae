"""The cnn's (model/cnn.onnx-builder.ts) loss gradients in float64 with PyTorch's autograd: an
independent reference for the float32 training graphs. Reads a JSON file {params, pixels, labels,
batch} (parameters by name, flat; pixels already scaled, dropout keeping every feature) and prints
{loss, grads} as JSON."""
import json
import sys

import torch
import torch.nn.functional as F

d = json.load(open(sys.argv[1]))
n = d["batch"]
p = {k: torch.tensor(v, dtype=torch.float64) for k, v in d["params"].items()}
for s, (cin, cout) in {"conv1": (1, 16), "conv2": (16, 32), "conv3": (32, 64)}.items():
    p[f"{s}.weight"] = p[f"{s}.weight"].reshape(cout, cin, 3, 3)
p["dense.weight"] = p["dense.weight"].reshape(10, 64 * 7 * 7)
for t in p.values():
    t.requires_grad_(True)
x = torch.tensor(d["pixels"], dtype=torch.float64).reshape(n, 1, 28, 28)
h = x
for s, pool in (("conv1", False), ("conv2", True), ("conv3", True)):
    h = F.conv2d(h, p[f"{s}.weight"], padding=1)
    mean = h.mean(dim=(0, 2, 3), keepdim=True)
    var = ((h - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
    h = (h - mean) / torch.sqrt(var + 1e-5) * p[f"{s}.bn.weight"].reshape(1, -1, 1, 1) + p[f"{s}.bn.bias"].reshape(1, -1, 1, 1)
    h = F.relu(h)
    if pool:
        h = F.avg_pool2d(h, 2)
features = h.flatten(1) / 0.8  # dropout 0.2 with every feature kept
scores = features @ p["dense.weight"].T + p["dense.bias"]
loss = F.cross_entropy(scores, torch.tensor(d["labels"]))
loss.backward()
print(json.dumps({"loss": loss.item(), "grads": {k: t.grad.flatten().tolist() for k, t in p.items()}}))

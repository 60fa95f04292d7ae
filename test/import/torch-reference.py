"""Reference runs for the import tests: small networks in the shapes of well-known ones, exported
with PyTorch's own exporters, then trained with torch.optim from the same weights and batch.

usage: python torch-reference.py OUT_DIR [--exports-only]
Writes OUT_DIR/<model>.<exporter>.onnx and OUT_DIR/reference.json: per file, the batch (bytes and
labels), the optimizer, and after each run the values of every trained initializer (matched to
torch parameters by their starting values) and the updated module's scores on the batch.
With --exports-only, only the files: each model's from the TorchScript-based exporter, the
ResNet-style one's also from the dynamo-based one.
"""
import json
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.manual_seed(7)
OUT = sys.argv[1]
STEPS = 3
BATCH = 16


class ResNetStyle(nn.Module):
    """Conv-BN-ReLU stem, two residual blocks (the second strided, with a 1x1 shortcut), global pool."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.a1 = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                                nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8))
        self.b1 = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                                nn.Conv2d(16, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16))
        self.short = nn.Sequential(nn.Conv2d(8, 16, 1, stride=2, bias=False), nn.BatchNorm2d(16))
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        y = self.stem(x)
        y = F.relu(self.a1(y) + y)
        y = F.relu(self.b1(y) + self.short(y))
        y = F.adaptive_avg_pool2d(y, 1)
        return self.fc(torch.flatten(y, 1))


class MobileNetStyle(nn.Module):
    """Inverted residuals: 1x1 expand, 3x3 depthwise (groups = channels), ReLU6, 1x1 project."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())

        def block(c, e):
            return nn.Sequential(nn.Conv2d(c, e, 1, bias=False), nn.BatchNorm2d(e), nn.ReLU6(),
                                 nn.Conv2d(e, e, 3, padding=1, groups=e, bias=False), nn.BatchNorm2d(e), nn.ReLU6(),
                                 nn.Conv2d(e, c, 1, bias=False), nn.BatchNorm2d(c))
        self.blocks = nn.ModuleList([block(8, 24), block(8, 24)])
        self.head = nn.Linear(8, 10)

    def forward(self, x):
        y = self.stem(x)
        for b in self.blocks:
            y = y + b(y)
        return self.head(y.mean([2, 3]))


class SqueezeNetStyle(nn.Module):
    """Fire modules: a 1x1 squeeze, then 1x1 and 3x3 expands joined by Concat; a conv classifier."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 16, 3, stride=2)
        self.fires = nn.ModuleList([self.Fire(16, 4, 8), self.Fire(16, 4, 8)])
        self.classifier = nn.Conv2d(16, 10, 1)

    class Fire(nn.Module):
        def __init__(self, cin, s, e):
            super().__init__()
            self.squeeze = nn.Conv2d(cin, s, 1)
            self.e1 = nn.Conv2d(s, e, 1)
            self.e3 = nn.Conv2d(s, e, 3, padding=1)

        def forward(self, x):
            s = F.relu(self.squeeze(x))
            return torch.cat([F.relu(self.e1(s)), F.relu(self.e3(s))], 1)

    def forward(self, x):
        y = F.max_pool2d(F.relu(self.stem(x)), 3, 2, ceil_mode=True)
        for f in self.fires:
            y = f(y)
        y = F.relu(self.classifier(y))
        return torch.flatten(F.adaptive_avg_pool2d(y, 1), 1)


class MlpStyle(nn.Module):
    """Flatten, Linear, LayerNorm, GELU, Dropout, Linear; ends in log-softmax."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 64)
        self.norm = nn.LayerNorm(64)
        self.drop = nn.Dropout(0.2)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        y = self.drop(F.gelu(self.norm(self.fc1(torch.flatten(x, 1)))))
        return F.log_softmax(self.fc2(y), 1)


class Regressor(nn.Module):
    """Two values from a picture: strided conv, ReLU, global average pool, linear."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 6, 3, stride=2)
        self.fc = nn.Linear(6, 2)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(F.relu(self.conv(x)), 1), 1))


MODELS = {"resnet": ResNetStyle, "mobilenet": MobileNetStyle, "squeezenet": SqueezeNetStyle, "mlp": MlpStyle, "regressor": Regressor}
LOSSES = {  # against the one-hot labels, or float targets, as the project's loss option
    "cross-entropy": F.cross_entropy,
    "mse": F.mse_loss,
    "l1": F.l1_loss,
    "bce": F.binary_cross_entropy_with_logits,
}
OPTIMIZERS = {
    "sgd": (lambda ps: torch.optim.SGD(ps, lr=0.05), {"name": "sgd", "learningRate": 0.05}),
    "momentum": (lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9), {"name": "sgd", "momentum": 0.9, "learningRate": 0.05}),
    "adamw": (lambda ps: torch.optim.AdamW(ps, lr=0.01), {"name": "adamw", "learningRate": 0.01}),
}


def export(module, path, exporter):
    x = torch.rand(2, 1, 28, 28)
    if exporter == "torchscript-opset13":  # LayerNormalization (opset 17) written out as ReduceMean, Sub, Pow, Sqrt, Div
        torch.onnx.export(module, (x,), path, dynamo=False, do_constant_folding=False, opset_version=13,
                          input_names=["input"], output_names=["scores"], dynamic_axes={"input": {0: "batch"}})
    elif exporter == "dynamo":
        torch.onnx.export(module, (x,), path, dynamo=True, optimize=False, input_names=["input"], output_names=["scores"],
                          dynamic_shapes={"x": {0: torch.export.Dim("batch")}})
    else:
        torch.onnx.export(module, (x,), path, dynamo=False, do_constant_folding=False, opset_version=17,
                          input_names=["input"], output_names=["scores"], dynamic_axes={"input": {0: "batch"}})


def exported(name, exporter):
    """The model with seeded weights, in eval mode, written to OUT/<name>.<exporter>.onnx."""
    torch.manual_seed(len(name) * 31 + len(exporter))
    module = MODELS[name]()
    for m in module.modules():  # statistics and affine parameters that are not the identity, so that each matters
        if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm)):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
    module.eval()
    path = f"{OUT}/{name}.{exporter}.onnx"
    export(module, path, exporter)
    return module, path


def run(name, exporter, opt_name, batch_norm="eval", loss_name="cross-entropy", targets=False):
    import onnx
    import onnx.numpy_helper as nh

    module, path = exported(name, exporter)
    initializers = {t.name: nh.to_array(t) for t in onnx.load(path).graph.initializer}
    params = dict(module.named_parameters())
    by_value = {}  # initializer -> parameter: the one of the same name, else the one with the same values
    for init_name, value in initializers.items():
        same = [p_name for p_name, p in params.items()
                if value.shape == tuple(p.shape) and torch.equal(torch.from_numpy(value.copy()), p.detach())]
        if init_name in same or len(same) == 1:
            by_value[init_name] = init_name if init_name in same else same[0]
    pixels = torch.randint(0, 256, (BATCH, 1, 28, 28), dtype=torch.uint8)
    labels = torch.randint(0, 10, (BATCH,))
    x = pixels.float() / 255
    outputs = module(x).shape[1]
    # float targets (values in [0, 1] for binary cross-entropy), else the labels (one-hot for all but cross-entropy)
    goal = ((torch.rand(BATCH, outputs) if loss_name == "bce" else torch.randn(BATCH, outputs)) if targets
            else labels if loss_name == "cross-entropy" else F.one_hot(labels, outputs).float())
    make, spec = OPTIMIZERS[opt_name]
    opt = make(module.parameters())
    if batch_norm == "train":
        module.train()  # batch statistics, running statistics updated (Dropout: these models have none in train mode)
    for _ in range(STEPS):
        opt.zero_grad()
        scores = module(x)
        loss = F.nll_loss(scores, labels) if name == "mlp" else LOSSES[loss_name](scores, goal)
        loss.backward()
        opt.step()
    module.eval()
    with torch.no_grad():
        after = module(x)
    buffers = dict(module.named_buffers())
    return {
        "file": f"{name}.{exporter}.onnx", "model": name, "exporter": exporter, "steps": STEPS, "optimizer": spec,
        "pixels": pixels.flatten().tolist(), "labels": labels.tolist(),
        "batchNorm": batch_norm, "loss": loss_name, **({"targets": goal.flatten().tolist()} if targets else {}),
        "trained": {i: params[p].detach().flatten().tolist() for i, p in by_value.items()},
        "statistics": {n: b.flatten().tolist() for n, b in buffers.items() if n in initializers and "running" in n},
        "scores": after.flatten().tolist(),
    }


def without_folders(path):
    """The dynamo exporter's stack traces name this script's and torch's files by absolute path: keep
    only the file names, so that the fuzz test mutates the same bytes in every checkout."""
    import re
    import onnx

    m = onnx.load(path, load_external_data=False)
    for node in m.graph.node:
        for p in node.metadata_props:
            p.value = re.sub(r'File "[^"]*/([^"/]+)"', r'File "\1"', p.value)
    onnx.save(m, path)


if sys.argv[2:] == ["--exports-only"]:  # the files alone (the fuzz test's seeds)
    for m in ("resnet", "mobilenet", "squeezenet", "mlp"):
        exported(m, "torchscript")
    without_folders(exported("resnet", "dynamo")[1])
    sys.exit(0)

runs = [run(m, e, "sgd") for m in ("resnet", "mobilenet", "squeezenet", "mlp") for e in ("torchscript", "dynamo")]
# Same seeds, so the same files again, trained with momentum and AdamW.
runs += [run("resnet", "torchscript", "momentum"), run("mlp", "dynamo", "adamw"), run("resnet", "torchscript", "sgd", "train"),
         run("mobilenet", "torchscript", "sgd", "train")]
runs += [run("mlp", "torchscript-opset13", "sgd"), run("squeezenet", "torchscript-opset13", "sgd")]
# The other losses (models without a final softmax: the project trains on the scores before one).
runs += [run("resnet", "torchscript", "sgd", loss_name="mse"), run("squeezenet", "torchscript", "sgd", loss_name="l1"),
         run("mobilenet", "dynamo", "sgd", loss_name="bce")]
# Float targets instead of labels: a two-value regressor, and multi-label targets in [0, 1].
runs += [run("regressor", "torchscript", "sgd", loss_name="mse", targets=True), run("regressor", "dynamo", "adamw", loss_name="l1", targets=True),
         run("resnet", "torchscript", "momentum", loss_name="bce", targets=True)]
json.dump({"torch": torch.__version__, "runs": runs}, open(f"{OUT}/reference.json", "w"))

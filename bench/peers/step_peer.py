"""What the step peers (pytorch_resnet_step.py, pytorch_mobilenet_step.py, pytorch_cnn_step.py)
share. time_sgd_steps times as the project's side does: one seeded batch of 28x28 digit-sized
inputs, SGD at rate 0 (the weights stay put), 10 warm-up steps, then the median of 40; printed as
one JSON object with the peak RSS. exported_network_main is the command line of a peer whose
network the project imports: `export FILE` (TorchScript exporter) or `steps`; `steps --train-mode`
times the network in train() mode (batch norm on batch statistics), the peer of the same network
written with the project's DSL (bench/networks)."""
import argparse, json, resource, time

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


def seeded_eval(module):
    """Seeded weights, running statistics and batch-norm scales and shifts that are not the identity
    (equal tensors would be stored once by the exporter, and the imported network would tie them), in eval() mode."""
    for mod in module.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.1, 0.1)
            mod.running_var.uniform_(0.8, 1.2)
            with torch.no_grad():
                mod.weight.uniform_(0.8, 1.2)
                mod.bias.uniform_(-0.1, 0.1)
    return module.eval()


def exported_network_main(make, default_batch):
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["export", "steps"])
    p.add_argument("file", nargs="?")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=default_batch)
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--train-mode", action="store_true", help="batch norm on batch statistics (the DSL version's peer)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = make().train() if a.train_mode else seeded_eval(make())
    if a.mode == "export":
        torch.onnx.export(model, (torch.rand(2, 1, 28, 28),), a.file, dynamo=False, do_constant_folding=False, opset_version=17,
                          input_names=["input"], output_names=["scores"], dynamic_axes={"input": {0: "batch"}})
        print(json.dumps({"parameters": sum(p.numel() for p in model.parameters())}))
    else:
        time_sgd_steps(model, a.batch, a.channels_last)

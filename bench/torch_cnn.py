"""The seed CNN (or the radnet preset, --model radnet) in PyTorch on the same arrays as bench/train.ts: the baseline a Python user would run.

Usage: python3 torch_cnn.py --dir DIR --size 48 --epochs 3 --batch 32 --threads 2 --lr 0.001
DIR holds train_x.u8 (N*size*size uint8), train_y.i32, test_x.u8, test_y.i32.
Prints one JSON line: epochSeconds, epochCpuSeconds (all threads), trainAcc, testAcc, predictSeconds, threads, torch version.
"""
import argparse
import json
import time

import numpy as np
import torch
from torch import nn


def seed_cnn(size: int, classes: int) -> nn.Module:
    side = size
    for _ in range(3):
        side = (side - 2) // 2
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(128 * side * side, 128), nn.ReLU(), nn.Dropout(0.4), nn.Linear(128, classes),
    )
    # Same initialisation as the Keras/TensorFlow.js model: Glorot uniform kernels, zero biases.
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def radnet(classes: int) -> nn.Module:
    """The radnet preset (src/engine/model/radnet.ts): 3x3 conv (no bias) + batch norm + ReLU blocks of
    16-32-64-128 channels, 2x2 max-pool after the first three, global average pooling, dropout 0.3, dense."""
    layers, c0 = [], 1
    for i, c in enumerate([16, 32, 64, 128]):
        layers += [nn.Conv2d(c0, c, 3, padding=1, bias=False), nn.BatchNorm2d(c, eps=1e-5, momentum=0.1), nn.ReLU()]
        if i < 3:
            layers.append(nn.MaxPool2d(2))
        c0 = c
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(128, classes)]
    model = nn.Sequential(*layers)
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        elif isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def load(d: str, name: str, size: int):
    x = np.fromfile(f"{d}/{name}_x.u8", dtype=np.uint8)
    y = np.fromfile(f"{d}/{name}_y.i32", dtype=np.int32)
    x = torch.from_numpy(x.reshape(-1, 1, size, size).astype(np.float32) / 255.0)
    return x, torch.from_numpy(y.astype(np.int64))


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return correct / len(x)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--size", type=int, default=48)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--model", choices=["seed", "radnet"], default="seed")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr = load(a.dir, "train", a.size)
    xte, yte = load(a.dir, "test", a.size)
    classes = int(max(ytr.max(), yte.max())) + 1
    model = radnet(classes) if a.model == "radnet" else seed_cnn(a.size, classes)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, eps=1e-7)  # tf.js' Adam epsilon
    loss_fn = nn.CrossEntropyLoss()
    epoch_seconds = []
    epoch_cpu = []
    for _ in range(a.epochs):
        model.train()
        t0 = time.perf_counter()
        c0 = time.process_time()
        order = torch.randperm(len(xtr))
        for i in range(0, len(xtr), a.batch):
            idx = order[i:i + a.batch]
            opt.zero_grad()
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        epoch_seconds.append(time.perf_counter() - t0)
        epoch_cpu.append(time.process_time() - c0)
    t0 = time.perf_counter()
    model.eval()
    with torch.no_grad():
        for i in range(0, len(xtr), a.batch):
            model(xtr[i:i + a.batch]).softmax(1)
    predict_seconds = time.perf_counter() - t0
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "epochSeconds": epoch_seconds, "epochCpuSeconds": epoch_cpu,
        "trainAcc": accuracy(model, xtr, ytr, 256), "testAcc": accuracy(model, xte, yte, 256),
        "predictSeconds": predict_seconds, "predictImages": len(xtr),
    }))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""radnet in PyTorch on a folder of class subfolders ('fractured' is the positive class): the
independent reference for what the architecture learns on a set, from random weights or from a
saved start. Stratified 70/15/15 split (seed 0), class-balanced batches of 32, Adam with a one-cycle
schedule, mirror image and exposure augmentation. Prints the validation AUC per epoch, then one
JSON line with the test ROC AUC and macro-F1 (at the validation Youden threshold and at 0.5).

  /usr/bin/python3 bench/torch_folder.py --data DIR [--size 64] [--epochs 15] [--lr 0.002]
      [--rare-per-batch 16] [--save start.pt] [--init start.pt] [--threads 2]

Needs Debian's python3-torch, python3-sklearn and python3-pil.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
from PIL import Image
from sklearn.metrics import f1_score, roc_auc_score, roc_curve
from torch import nn


def load(folder: str, size: int):
    """Every image as size x size gray (Lanczos, stretched to the square as the extension does)."""
    files = []
    for name in sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)) and not d.startswith('.')):
        label = 1 if name == 'fractured' else 0
        for f in sorted(os.listdir(os.path.join(folder, name))):
            files.append((os.path.join(folder, name, f), label))
    x = np.stack([np.asarray(Image.open(f).convert('L').resize((size, size), Image.LANCZOS)) for f, _ in files])
    return x.astype(np.uint8), np.array([label for _, label in files])


def radnet() -> nn.Module:
    layers, c0 = [], 1
    for i, c in enumerate([16, 32, 64, 128]):
        layers += [nn.Conv2d(c0, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
        if i < 3:
            layers.append(nn.MaxPool2d(2))
        c0 = c
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(128, 2)]
    return nn.Sequential(*layers)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--size', type=int, default=64)
    p.add_argument('--epochs', type=int, default=15)
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--rare-per-batch', type=int, default=16, help='not-fractured images in each batch of 32')
    p.add_argument('--init', default='', help='start from these saved weights')
    p.add_argument('--save', default='', help='save the trained weights here')
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    x, y = load(a.data, a.size)
    split = {'train': [], 'val': [], 'test': []}
    for c in (0, 1):
        ii = rng.permutation(np.where(y == c)[0])
        nv = nt = round(len(ii) * 0.15)
        split['test'] += list(ii[:nt])
        split['val'] += list(ii[nt:nt + nv])
        split['train'] += list(ii[nt + nv:])
    t = {k: (torch.tensor(x[v], dtype=torch.float32)[:, None] / 255, torch.tensor(y[v])) for k, v in split.items()}
    (xtr, ytr), (xva, yva), (xte, yte) = t['train'], t['val'], t['test']
    model = radnet()
    if a.init:
        model.load_state_dict(torch.load(a.init))
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    steps_per_epoch = len(ytr) // 32
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, a.lr, total_steps=a.epochs * steps_per_epoch, pct_start=1 / a.epochs)
    pos, neg = np.where(ytr.numpy() == 1)[0], np.where(ytr.numpy() == 0)[0]

    def augment(b: torch.Tensor) -> torch.Tensor:
        b = b.clone()
        flip = torch.rand(b.shape[0]) < 0.5
        b[flip] = b[flip].flip(3)
        shift = (torch.rand(b.shape[0], 1, 1, 1) - 0.5) * 0.2
        gain = 1 + (torch.rand(b.shape[0], 1, 1, 1) - 0.5) * 0.3
        return (b - 0.5) * gain + 0.5 + shift

    def predict(b: torch.Tensor) -> np.ndarray:
        model.eval()
        with torch.no_grad():
            return torch.softmax(model(b), 1)[:, 1].numpy()

    start = time.time()
    for epoch in range(a.epochs):
        model.train()
        for _ in range(steps_per_epoch):
            batch = np.concatenate([rng.choice(pos, 32 - a.rare_per_batch), rng.choice(neg, a.rare_per_batch)])
            loss = nn.functional.cross_entropy(model(augment(xtr[batch])), ytr[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        pv = predict(xva)
        print(f'epoch {epoch + 1} val_auc {roc_auc_score(yva, pv):.3f} {time.time() - start:.0f} s', flush=True)
    if a.save:
        torch.save(model.state_dict(), a.save)
    pt = predict(xte)
    fpr, tpr, th = roc_curve(yva, pv)
    threshold = th[np.argmax(tpr - fpr)]
    print(json.dumps({'size': a.size, 'test_auc': round(roc_auc_score(yte, pt), 4), 'macro_f1': round(f1_score(yte, pt >= threshold, average='macro'), 4), 'macro_f1_at_05': round(f1_score(yte, pt >= 0.5, average='macro'), 4), 'torch': torch.__version__}))


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""A second synthetic radiograph set, drawn by code that shares nothing with the built-in sample
generator: each bone is a hollow tube whose projected thickness (chord length through cortex and marrow)
gives the film's brightness, so cortices are bright rims as on real films. Fractures are thin
gaps in that tube (transverse, oblique, hairline through one cortex only, displaced, buckled),
and normal films carry look-alikes: growth plates, nutrient canals, overlapping bones, markers.
Writes <out>/fractured, <out>/not fractured, boxes.json (each fracture's box) and kinds.json
(each film's kind). Deterministic for a seed.

  /usr/bin/python3 bench/hardset.py OUT [--count 2000] [--normal 0.07] [--seed 7] [--size 256]
"""
import argparse
import json
import math
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy.ndimage import gaussian_filter, map_coordinates


def bone_geometry(rng, w, h):
    """A shaft: centre line from p0 to p1 with a slight bow, outer radius and cortex thickness."""
    angle = rng.uniform(-0.6, 0.6) + (math.pi / 2 if rng.random() < 0.25 else 0.0)
    length = rng.uniform(0.7, 1.1) * max(w, h)
    cx, cy = w * rng.uniform(0.35, 0.65), h * rng.uniform(0.35, 0.65)
    dx, dy = math.sin(angle), math.cos(angle)
    p0 = np.array([cx - dx * length / 2, cy - dy * length / 2])
    p1 = np.array([cx + dx * length / 2, cy + dy * length / 2])
    radius = rng.uniform(0.045, 0.085) * min(w, h)
    cortex = radius * rng.uniform(0.22, 0.4)
    bow = rng.uniform(-0.04, 0.04) * length
    return dict(p0=p0, p1=p1, radius=radius, cortex=cortex, bow=bow, length=length)


def axis_coords(g, xx, yy):
    """Position along the axis (t in [0,1]) and signed distance from the (bowed) centre line."""
    p0, p1 = g['p0'], g['p1']
    d = p1 - p0
    L = np.linalg.norm(d)
    u = d / L
    n = np.array([-u[1], u[0]])
    rx, ry = xx - p0[0], yy - p0[1]
    t = (rx * u[0] + ry * u[1]) / L
    s = rx * n[0] + ry * n[1] - g['bow'] * 4 * t * (1 - t)
    return t, s, u, n


def tube(s, radius, cortex, t, flare=0.0):
    """Projected thickness of a hollow tube at signed distance s; ends flare into a joint."""
    r = radius * (1 + flare * (np.clip(np.abs(t - 0.5) * 2 - 0.6, 0, None) / 0.4) ** 2)
    inner = np.clip(r - cortex, 0, None)
    outer_chord = np.sqrt(np.clip(r ** 2 - s ** 2, 0, None))
    inner_chord = np.sqrt(np.clip(inner ** 2 - s ** 2, 0, None))
    return outer_chord - 0.75 * inner_chord, r


def jagged_line(rng, n_pts, amp):
    """A rough 1-D offset profile for a fracture line."""
    steps = rng.normal(0, amp, n_pts)
    prof = np.cumsum(steps)
    return prof - np.linspace(prof[0], prof[-1], n_pts)


def draw_film(rng, w, h, fracture_kind, distract=1.0, a_width=1.0):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    # Soft tissue: a blurred blob around the limb, plus low-frequency texture.
    density = np.zeros((h, w), np.float32)
    bones = [bone_geometry(rng, w, h)]
    if rng.random() < 0.3:  # a second bone alongside (forearm / leg pair)
        g2 = dict(bones[0])
        off = bones[0]['radius'] * rng.uniform(2.2, 3.2) * (1 if rng.random() < 0.5 else -1)
        _, _, u, n = axis_coords(bones[0], xx[:1, :1], yy[:1, :1])
        g2['p0'] = bones[0]['p0'] + n * off + u * rng.uniform(-20, 20)
        g2['p1'] = bones[0]['p1'] + n * off * rng.uniform(0.6, 1.2)
        g2['radius'] = bones[0]['radius'] * rng.uniform(0.6, 0.9)
        g2['cortex'] = g2['radius'] * rng.uniform(0.25, 0.4)
        bones.append(g2)
    t0, s0, _, _ = axis_coords(bones[0], xx, yy)
    limb = bones[0]['radius'] * rng.uniform(2.8, 4.5)
    density += 0.35 * np.exp(-(s0 / limb) ** 4)
    density += 0.06 * gaussian_filter(rng.normal(0, 1, (h, w)).astype(np.float32), 18) * 10
    box = None
    # The fracture sits on one bone, somewhere along its middle.
    target = 0 if len(bones) == 1 or rng.random() < 0.6 else 1
    for bi, g in enumerate(bones):
        t, s, u, n = axis_coords(g, xx, yy)
        flare = rng.uniform(0.3, 0.9)
        kind = fracture_kind if bi == target else None
        thick, r = tube(s, g['radius'], g['cortex'], t, flare)
        thick = thick * ((t > -0.02) & (t < 1.02))
        if kind is None and rng.random() < 0.35 * distract:  # growth plate: a wavy lucent band near one end
            tp = rng.choice([rng.uniform(0.08, 0.18), rng.uniform(0.82, 0.92)])
            wav = 0.01 * np.sin(s / g['radius'] * rng.uniform(2, 5))
            band = np.exp(-(((t - tp - wav) * g['length']) / rng.uniform(1.0, 2.0)) ** 2)
            thick = thick * (1 - 0.55 * band)
        if kind is None and rng.random() < 0.3 * distract:  # nutrient canal: thin oblique lucency in one cortex
            tc = rng.uniform(0.3, 0.7)
            side = 1 if rng.random() < 0.5 else -1
            along = (t - tc) * g['length'] - 0.6 * (s * side - g['radius'] * 0.7)
            canal = np.exp(-(along / 0.8) ** 2) * (np.abs(s * side - g['radius'] * 0.75) < g['cortex'])
            thick = thick * (1 - 0.5 * canal)
        if kind is not None:
            tf_ = rng.uniform(0.3, 0.7)
            tilt = rng.uniform(-0.5, 0.5) if kind != 'oblique' else rng.choice([-1, 1]) * rng.uniform(0.6, 1.2)
            prof_n = 64
            prof = jagged_line(rng, prof_n, 0.25)
            si = np.clip((s / (r + 1e-6) + 1) / 2 * (prof_n - 1), 0, prof_n - 1)
            wiggle = np.interp(si.ravel(), np.arange(prof_n), prof).reshape(s.shape)
            along = (t - tf_) * g['length'] - tilt * s - wiggle  # px from the fracture line
            width = a_width * {'transverse': rng.uniform(0.8, 1.8), 'oblique': rng.uniform(0.8, 1.6),
                     'hairline': rng.uniform(0.5, 1.0), 'displaced': rng.uniform(1.5, 3.5),
                     'buckle': 1.0}[kind]
            if kind == 'displaced':
                shift = g['radius'] * rng.uniform(0.25, 0.7) * rng.choice([-1, 1])
                ang = rng.uniform(-0.12, 0.12)
                distal = along > 0
                s2 = s - shift - ang * np.clip(along, 0, None)
                thick2, _ = tube(s2, g['radius'], g['cortex'], t, flare)
                thick = np.where(distal, thick2 * ((t < 1.02)), thick)
            gap = np.exp(-(along / width) ** 2)
            if kind == 'hairline':  # through one cortex only, part of the way
                side = rng.choice([-1, 1])
                reach = rng.uniform(0.25, 0.6)
                mask = (s * side / (r + 1e-6)) > (1 - 2 * reach)
                gap = gap * mask
                depth = rng.uniform(0.45, 0.75)
            elif kind == 'buckle':
                side = rng.choice([-1, 1])
                bump = np.exp(-((t - tf_) * g['length'] / rng.uniform(2.5, 5)) ** 2)
                s_b = s - side * bump * g['cortex'] * rng.uniform(0.6, 1.1)
                thick_b, _ = tube(s_b, g['radius'], g['cortex'] * 1.3, t, flare)
                thick = np.where(s * side > 0, np.maximum(thick, thick_b), thick)
                gap = gap * 0
                depth = 0
            else:
                depth = rng.uniform(0.7, 0.95)
            thick = thick * (1 - depth * gap)
            # Box: the fracture line's extent across the bone, padded.
            c = g['p0'] + (g['p1'] - g['p0']) * tf_
            half = float(g['radius'] * 1.3)
            span = width * 2 + 4
            # The line runs along u by tilt * s across the bone, so each side's end shifts by tilt * a.
            corners = [c + n * a + u * (b + tilt * a) for a in (-half, half) for b in (-span, span)]
            xs = [p[0] for p in corners]
            ys = [p[1] for p in corners]
            x0, y0 = max(0, min(xs)), max(0, min(ys))
            x1, y1 = min(w, max(xs)), min(h, max(ys))
            if x1 > x0 and y1 > y0:
                box = dict(x=round(float(x0), 1), y=round(float(y0), 1), width=round(float(x1 - x0), 1), height=round(float(y1 - y0), 1))
        density += 0.05 * thick
    # Exposure: film = 1 - exp(-k * density); varied k, gamma, noise, blur, vignetting.
    k = rng.uniform(1.2, 2.6)
    film = 1 - np.exp(-k * np.clip(density, 0, None))
    film = gaussian_filter(film, rng.uniform(0.4, 1.1))
    vign = 1 - rng.uniform(0.0, 0.35) * (((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2) * 2
    film = film * vign
    film = film ** rng.uniform(0.7, 1.4)
    lo, hi = rng.uniform(0.02, 0.15), rng.uniform(0.75, 1.0)
    img = lo + (hi - lo) * film / max(film.max(), 1e-6)
    img = img + rng.normal(0, rng.uniform(0.01, 0.045), img.shape)
    img = np.clip(img * 255, 0, 255).astype(np.uint8)
    pil = Image.fromarray(img, 'L')
    d = ImageDraw.Draw(pil)
    if rng.random() < 0.8:  # side marker in a random corner
        cx = rng.choice([int(0.05 * w), int(0.85 * w)])
        cy = rng.choice([int(0.05 * h), int(0.88 * h)])
        d.rectangle([cx - 2, cy - 2, cx + 14, cy + 16], fill=int(rng.uniform(180, 255)))
        d.text((cx + 2, cy), rng.choice(['L', 'R']), fill=0)
    if rng.random() < 0.15:  # a ruler along one edge
        y = int(h * rng.uniform(0.9, 0.96))
        for x in range(int(w * 0.1), int(w * 0.9), 6):
            d.line([x, y, x, y + (6 if (x // 6) % 5 == 0 else 3)], fill=230)
    return pil, box


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--count', type=int, default=2000)
    ap.add_argument('--normal', type=float, default=0.07)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--size', type=int, default=256)
    ap.add_argument('--distractors', type=float, default=1.0, help='scales how often growth plates and nutrient canals appear')
    ap.add_argument('--width', type=float, default=1.0, help='scales the fracture lines\' width')
    ap.add_argument('--kinds', default='transverse:3,oblique:2,hairline:2,displaced:2,buckle:1')
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    kinds, weights = zip(*[(k, float(v)) for k, v in (p.split(':') for p in a.kinds.split(','))])
    weights = np.array(weights) / sum(weights)
    n_normal = round(a.count * a.normal)
    for c in ('fractured', 'not fractured'):
        os.makedirs(os.path.join(a.out, c), exist_ok=True)
    boxes = {}
    kinds_of = {}
    for i in range(a.count):
        normal = i < n_normal
        w = int(a.size * rng.uniform(0.8, 1.3))
        h = int(a.size * rng.uniform(0.8, 1.3))
        kind = None if normal else kinds[rng.choice(len(kinds), p=weights)]
        pil, box = draw_film(rng, w, h, kind, a.distractors, a.width)
        folder = 'not fractured' if normal else 'fractured'
        ext = 'jpg' if rng.random() < 0.4 else 'png'
        name = f'{folder}/film{i:05d}.{ext}'
        kinds_of[name] = kind or 'normal'
        if ext == 'jpg':
            pil.save(os.path.join(a.out, name), quality=int(rng.uniform(75, 95)))
        else:
            pil.save(os.path.join(a.out, name))
        if box and not normal:
            boxes[name] = box
    with open(os.path.join(a.out, 'boxes.json'), 'w') as f:
        json.dump(boxes, f, indent=1, sort_keys=True)
    with open(os.path.join(a.out, 'kinds.json'), 'w') as f:
        json.dump(kinds_of, f, indent=1, sort_keys=True)
    print(f'{a.count} films ({n_normal} not fractured) in {a.out}')


if __name__ == '__main__':
    main()

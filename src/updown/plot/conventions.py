"""Figures of chapters 4 ("Trilinear, 3D") and 5 ("Where are the pixels?", with its cross-library matrix).

Everything drawn here is computed by the library (:mod:`updown.interpolation`), so a figure cannot disagree with
the tested code. Coordinates on the axes are *continuous* coordinates in pixels (the centre of pixel ``j`` at
``j + 0.5``, see the notation page); the library's source coordinates are *indices* (centre of pixel ``j`` at
``j``), so the figures add one half when they draw them.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from . import DIVERGING, PALETTE, mark_samples, pixel_grid
from ..interpolation import interpolate, linear_pass, source_coordinates

__all__ = [
    "torus_sdf",
    "torus_volumes",
    "trilinear_passes_figure",
    "opposite_box_figure",
    "torus_slices_figure",
    "draw_torus_slice",
    "side_view_figure",
    "moving_dot_clip",
    "video_figure",
    "unclamped_source",
    "conventions_figure",
    "draw_mapping",
    "nearest_modes_figure",
    "size_vs_scale_figure",
    "edge_clamp_figure",
    "gaussian_blob",
    "centroid",
    "shift_figure",
    "default_resize_figure",
]


# ---- chapter 4: a synthetic volume -------------------------------------------------------------------------------
def torus_sdf(shape, major: float = 0.28, minor: float = 0.12) -> np.ndarray:
    """Signed distance to a torus, sampled at the voxel centres of a ``(D, H, W)`` grid over the unit cube.

    Voxel ``(k, i, j)`` has its centre at ``((k + 0.5) / D, (i + 0.5) / H, (j + 0.5) / W)``: the half-pixel
    convention, so grids of different sizes cover the same cube. The torus lies in the (z, x) plane through the
    cube's centre with its axis along the height y, so slices along depth cut through its ring. ``major`` is the
    distance from the axis to the centre of the tube, ``minor`` the tube's radius (both in cube units).
    Negative inside, positive outside; a float64 array of ``shape``. Analytic, so no seed is needed.
    """
    d, h, w = (int(s) for s in shape)
    z = (np.arange(d) + 0.5) / d - 0.5
    y = (np.arange(h) + 0.5) / h - 0.5
    x = (np.arange(w) + 0.5) / w - 0.5
    ring = np.hypot(z[:, None], x[None, :]) - major               # (D, W): distance from the tube's centre line
    return np.sqrt(ring[:, None, :] ** 2 + y[None, :, None] ** 2) - minor


def torus_volumes(n: int = 12, factor: int = 3):
    """The chapter's three volumes: the torus on an ``n``-cube, its trilinear ``factor``x upsampling, the truth.

    Returns ``(low, up, truth)``: ``low`` of shape ``(n, n, n)``, the other two ``(n*factor,)*3``; ``up`` is
    :func:`updown.interpolation.interpolate` with ``mode="trilinear"`` (half-pixel), ``truth`` the analytic
    signed distance sampled on the fine grid.
    """
    low = torus_sdf((n, n, n))
    up = interpolate(low[None, None], scale_factor=factor, mode="trilinear", align_corners=False)[0, 0]
    truth = torus_sdf((n * factor,) * 3)
    return low, up, truth


_VLIM = 0.2  # colour range of signed distances, in cube units: the surface region, not the far corners


def _cube_edges(ax, color="0.6"):
    for a in (0, 1):
        for b in (0, 1):
            ax.plot([0, 1], [a, a], [b, b], color=color, lw=0.8)
            ax.plot([a, a], [0, 1], [b, b], color=color, lw=0.8)
            ax.plot([a, a], [b, b], [0, 1], color=color, lw=0.8)


def _label3d(ax, title):
    ax.set_xlabel("x (pixels)", labelpad=-8)
    ax.set_ylabel("y (pixels)", labelpad=-8)
    ax.set_zlabel("z (pixels)", labelpad=-8)
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    ax.set_zticks([0, 1])
    ax.tick_params(pad=-3)
    ax.set_title(title)
    ax.view_init(elev=22, azim=-58)
    ax.set_box_aspect((1, 1, 1))


def trilinear_passes_figure(t=(0.3, 0.6, 0.7)):
    """The three 1D passes of trilinear interpolation inside one cell of eight voxel centres.

    ``t = (tz, ty, tx)``: the sample's offsets from corner (0, 0, 0) in pixels. Pass 1 runs along x on the four
    x-edges (8 values -> 4), pass 2 along y (4 -> 2), pass 3 along z (2 -> 1). Returns the figure.
    """
    tz, ty, tx = t
    fig = plt.figure(figsize=(10.5, 3.6), layout="constrained")
    corners = np.array([(x, y, z) for z in (0, 1) for y in (0, 1) for x in (0, 1)], dtype=float)
    steps = [
        ("pass 1, along x: 8 → 4", np.array([(tx, y, z) for z in (0, 1) for y in (0, 1)]), "x"),
        ("pass 2, along y: 4 → 2", np.array([(tx, ty, z) for z in (0, 1)]), "y"),
        ("pass 3, along z: 2 → 1", np.array([(tx, ty, tz)]), "z"),
    ]
    previous = corners
    for n, (title, points, axis) in enumerate(steps):
        ax = fig.add_subplot(1, 3, n + 1, projection="3d")
        _cube_edges(ax)
        ax.scatter(*corners.T, color="black", s=22, depthshade=False, label="voxel centres")
        if n > 0:
            ax.scatter(*previous.T, color=PALETTE["sky"], s=26, depthshade=False, label="previous pass")
        for p in points:  # the segment this pass interpolates along
            a, b = p.copy(), p.copy()
            k = "xyz".index(axis)
            a[k], b[k] = 0, 1
            ax.plot(*np.stack([a, b]).T, color=PALETTE["orange"], lw=2.2)
        marker = "x" if n == 2 else "o"
        ax.scatter(*points.T, color=PALETTE["vermillion"], s=50 if n == 2 else 30, marker=marker,
                   depthshade=False, linewidths=2, label="sample" if n == 2 else "new values")
        _label3d(ax, title)
        ax.legend(loc="upper left", fontsize=7)
        previous = points
    return fig


def opposite_box_figure(t=(0.3, 0.6, 0.7), corner=(0, 0, 0)):
    """The weight of one corner as the volume of the box between the sample and the opposite corner.

    ``t = (tz, ty, tx)`` as in :func:`trilinear_passes_figure`; ``corner = (a, b, c)`` (z, y, x) picks the corner.
    Returns the figure.
    """
    tz, ty, tx = t
    a, b, c = corner
    fig = plt.figure(figsize=(4.2, 3.8), layout="constrained")
    ax = fig.add_subplot(1, 1, 1, projection="3d")
    _cube_edges(ax)
    p = np.array([tx, ty, tz])
    far = np.array([1 - c, 1 - b, 1 - a], dtype=float)   # the corner opposite the chosen one, as (x, y, z)
    lo, hi = np.minimum(p, far), np.maximum(p, far)
    v = np.array([[lo[0], lo[1], lo[2]], [hi[0], lo[1], lo[2]], [hi[0], hi[1], lo[2]], [lo[0], hi[1], lo[2]],
                  [lo[0], lo[1], hi[2]], [hi[0], lo[1], hi[2]], [hi[0], hi[1], hi[2]], [lo[0], hi[1], hi[2]]])
    faces = [[v[i] for i in f] for f in ([0, 1, 2, 3], [4, 5, 6, 7], [0, 1, 5, 4], [2, 3, 7, 6], [1, 2, 6, 5],
                                         [0, 3, 7, 4])]
    ax.add_collection3d(Poly3DCollection(faces, facecolor=PALETTE["orange"], alpha=0.35, edgecolor=PALETTE["orange"]))
    corners = np.array([(x, y, z) for z in (0, 1) for y in (0, 1) for x in (0, 1)], dtype=float)
    ax.scatter(*corners.T, color="black", s=18, depthshade=False)
    ax.scatter([c], [b], [a], color=PALETTE["blue"], s=70, depthshade=False, label=f"corner (z, y, x) = {corner}")
    ax.scatter(*p, color=PALETTE["vermillion"], marker="x", s=60, linewidths=2, depthshade=False, label="sample")
    weight = float(np.prod(hi - lo))
    _label3d(ax, f"weight of the blue corner = orange volume = {weight:.3f}")
    ax.legend(loc="upper left", fontsize=7)
    return fig


def _slice_panel(ax, img, title, extent_px, vlim):
    ax.imshow(img, cmap=DIVERGING, vmin=-vlim, vmax=vlim, extent=(0, extent_px, extent_px, 0))
    ax.contour(np.linspace(0, extent_px, img.shape[1] + 1)[:-1] + extent_px / img.shape[1] / 2,
               np.linspace(0, extent_px, img.shape[0] + 1)[:-1] + extent_px / img.shape[0] / 2,
               img, levels=[0.0], colors="black", linewidths=1.0)
    ax.set_title(title)
    ax.set_xlabel("x (output pixels)")


def torus_slices_figure(low, up, truth, slices=None):
    """Slices of the torus at several depths: the input (nearest slice), trilinear, and the analytic truth.

    ``low`` (n, n, n), ``up`` and ``truth`` (n*f, n*f, n*f); ``slices`` are output depth indices (default: six
    evenly spaced ones). The zero level (the surface) is drawn in black. Returns the figure.
    """
    big = up.shape[0]
    f = big // low.shape[0]
    slices = list(slices) if slices is not None else [int(k) for k in np.linspace(big // 2, big - 3, 6)]
    vlim = _VLIM
    fig, axes = plt.subplots(3, len(slices), figsize=(1.75 * len(slices), 5.6), layout="constrained", squeeze=False)
    for col, k in enumerate(slices):
        _slice_panel(axes[0, col], low[k // f], f"input slice {k // f}", big, vlim)
        _slice_panel(axes[1, col], up[k], f"trilinear, slice {k}", big, vlim)
        _slice_panel(axes[2, col], truth[k], f"truth, slice {k}", big, vlim)
    for ax in axes.ravel():
        ax.set_xticks([0, big])
        ax.set_yticks([0, big])
        if ax not in axes[-1]:
            ax.set_xlabel("")
    for ax in axes[:, 0]:
        ax.set_ylabel("y (output pixels)")
    return fig


def draw_torus_slice(fig, k: int = 23, n: int = 12, factor: int = 3):
    """Explore callback: output slice ``k`` of the upsampled torus: the input slice, trilinear, and the difference.

    The difference is trilinear minus "bilinear per slice" (the input slice upsampled in (y, x) only and repeated
    ``factor`` times along depth, with no depth pass); it is zero only on the slices where the depth pass reads
    exactly one input slice. Three panels, so a redraw stays well under 100 ms.
    """
    low = torus_sdf((n, n, n))
    big = n * factor
    k = min(max(int(k), 0), big - 1)
    up = interpolate(low[None, None], scale_factor=factor, mode="trilinear", align_corners=False)[0, 0]
    z = float(source_coordinates(big, n, float(factor), "trilinear", False, np.float64)[k])
    tri = up[k]
    # bilinear on the one input slice that nearest-along-depth would copy: two passes, no depth pass
    per_slice = linear_pass(linear_pass(low[k // factor], 1, big, float(factor)), 0, big, float(factor))
    axes = fig.subplots(1, 3)
    _slice_panel(axes[0], low[k // factor], f"input slice {k // factor}", big, _VLIM)
    _slice_panel(axes[1], tri, f"trilinear, output slice {k}\n(reads depth {z:.2f})", big, _VLIM)
    diff = tri - per_slice
    axes[2].imshow(diff, cmap=DIVERGING, vmin=-0.05, vmax=0.05, extent=(0, big, big, 0))
    axes[2].set_title(f"trilinear − bilinear per slice\nmax |difference| = {np.abs(diff).max():.3f}")
    axes[2].set_xlabel("x (output pixels)")
    axes[0].set_ylabel("y (output pixels)")
    for ax in axes:
        ax.set_xticks([0, big])
        ax.set_yticks([0, big])
    return fig


def side_view_figure(up, per_slice, truth, row=None):
    """A vertical cut (depth z against x) through the three volumes at output row ``row`` (default: the middle).

    Trilinear interpolates along z too; bilinear per slice, repeated along depth, shows steps of ``factor``
    slices. Returns the figure.
    """
    big = up.shape[0]
    row = big // 2 if row is None else int(row)
    vlim = _VLIM
    fig, axes = plt.subplots(1, 3, figsize=(8.4, 3.1), layout="constrained")
    for ax, vol, title in zip(axes, (per_slice, up, truth), ("bilinear per slice, repeated",
                                                               "trilinear", "truth")):
        _slice_panel(ax, vol[:, row, :], title, big, vlim)
        ax.set_xticks([0, big])
        ax.set_yticks([0, big])
    axes[0].set_ylabel("z (output slices)")
    return fig


def moving_dot_clip(frames: int = 4, height: int = 7, width: int = 25, step: int = 6, sigma: float = 1.0):
    """A video ``(T, H, W)`` of a Gaussian dot moving ``step`` pixels to the right per frame (float64, analytic)."""
    yy, xx = np.mgrid[0:height, 0:width].astype(float)
    t = np.arange(frames, dtype=float)[:, None, None]
    cx = 3.0 + step * t
    return np.exp(-((yy - height // 2) ** 2 + (xx - cx) ** 2) / (2 * sigma ** 2))


def video_figure(clip, up):
    """Input frames (top) above the frames of a time-upsampled clip (bottom, ``2T - 1`` frames, aligned corners).

    Returns the figure.
    """
    t_in, t_out = clip.shape[0], up.shape[0]
    fig, axes = plt.subplots(2, t_out, figsize=(1.45 * t_out, 1.8), layout="constrained", squeeze=False)
    for k in range(t_out):
        ax = axes[0, k]
        src = k * (t_in - 1) / (t_out - 1)
        if abs(src - round(src)) < 1e-9:
            ax.imshow(clip[int(round(src))], vmin=0, vmax=1)
            ax.set_title(f"input t={int(round(src))}", fontsize=8)
        else:
            ax.axis("off")
        axes[1, k].imshow(up[k], vmin=0, vmax=1)
        axes[1, k].set_title(f"output t={src:.1f}", fontsize=8)
        for a in axes[:, k]:
            a.set_xticks([])
            a.set_yticks([])
    axes[1, 0].set_xlabel("x (pixels)")
    axes[1, 0].set_ylabel("y (pixels)")
    return fig


# ---- chapter 5: where are the pixels? ---------------------------------------------------------------------------
def unclamped_source(out_size: int, in_size: int, align_corners: bool) -> np.ndarray:
    """Source index coordinates before edge clamping (float64): {eq}`eq-src-half` or {eq}`eq-src-corners`.

    The library's :func:`~updown.interpolation.source_coordinates` clamps the half-pixel coordinate at 0; a figure
    that shows where the convention *puts* the samples needs the value before the clamp.
    """
    if align_corners:
        return source_coordinates(out_size, in_size, None, "linear", True, np.float64).astype(float)
    return (np.arange(out_size) + 0.5) * (in_size / out_size) - 0.5


def conventions_figure(in_size: int = 3, out_size: int = 6, seed: int = 0):
    """Where an ``out_size`` x ``out_size`` output samples an ``in_size`` x ``in_size`` input, in both conventions.

    Pixel centres of the input are dots, the output's samples crosses; the dashed lines are the output's pixel
    borders mapped into the input plane. Returns the figure.
    """
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 10, size=(in_size, in_size)).astype(float)
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 4.2), layout="constrained")
    for ax, align in zip(axes, (False, True)):
        pixel_grid(ax, x, annotate=False, alpha=0.45, vmin=-5, vmax=14)
        u = unclamped_source(out_size, in_size, align) + 0.5           # continuous coordinates
        step = (in_size / out_size) if not align else (in_size - 1) / (out_size - 1)
        borders = np.concatenate([u - step / 2, [u[-1] + step / 2]])
        for b in borders:
            ax.axvline(b, color=PALETTE["vermillion"], lw=0.7, ls="--", alpha=0.7)
            ax.axhline(b, color=PALETTE["vermillion"], lw=0.7, ls="--", alpha=0.7)
        xx, yy = np.meshgrid(u, u)
        mark_samples(ax, xx, yy, label=f"{out_size}×{out_size} output samples")
        ax.plot([], [], "o", color="black", ms=3, label=f"{in_size}×{in_size} input centres")
        pad = 0.35 if align else 0.15
        lo, hi = min(borders[0], 0) - pad, max(borders[-1], in_size) + pad
        ax.set_xlim(lo, hi)
        ax.set_ylim(hi, lo)
        ax.set_title(f"align_corners={align}")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    return fig


def _band(ax, n, y0, height, width, color, label):
    """A row of ``n`` pixels drawn over ``[0, width]`` at height ``y0``, with centres as dots."""
    edges = np.linspace(0, width, n + 1)
    for e in edges:
        ax.plot([e, e], [y0, y0 + height], color="0.35", lw=0.7)
    ax.plot([0, width], [y0, y0], color="0.35", lw=0.7)
    ax.plot([0, width], [y0 + height, y0 + height], color="0.35", lw=0.7)
    ax.fill_between([0, width], y0, y0 + height, color=color, alpha=0.18, lw=0)
    centres = (edges[:-1] + edges[1:]) / 2
    ax.plot(centres, np.full(n, y0 + height / 2), "o", color="black", ms=3)
    ax.text(-0.15, y0 + height / 2, label, ha="right", va="center", fontsize=8)
    return centres


def draw_mapping(fig, out_size: int = 7, in_size: int = 4):
    """Explore callback: each output pixel centre joined to the source coordinate it reads, both conventions.

    The input row is drawn in input pixels; the output row below it is scaled to the same width. With
    ``align_corners=False`` the lines are vertical (the output is a scaled copy of the input's extent); with
    ``True`` the outer ones lean towards the middle when ``out_size > in_size`` and towards the edges when it is
    smaller, so that the first and last centres meet.
    """
    out_size, in_size = int(out_size), int(in_size)
    axes = fig.subplots(2, 1, sharex=True)
    for ax, align in zip(axes, (False, True)):
        _band(ax, in_size, 1.0, 0.5, in_size, PALETTE["sky"], f"input ({in_size})")
        out_c = _band(ax, out_size, 0.0, 0.5, in_size, PALETTE["orange"], f"output ({out_size})")
        u = unclamped_source(out_size, in_size, align) + 0.5
        for a, b in zip(out_c, u):
            ax.annotate("", xy=(b, 1.25), xytext=(a, 0.25),
                        arrowprops=dict(arrowstyle="-|>", color=PALETTE["vermillion"], lw=0.9, shrinkA=3, shrinkB=0))
        mark_samples(ax, u, np.full_like(u, 1.25), size=6)
        eq = ("$x_{src} = (x_{dst} + 1/2)\\,\\frac{in}{out} - 1/2$" if not align
              else "$x_{src} = x_{dst}\\,\\frac{in-1}{out-1}$")
        ax.set_title(f"align_corners={align}:  {eq}", fontsize=9)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_ylim(-0.1, 1.6)
        ax.set_xlim(-0.6, in_size + 0.3)
    axes[1].set_xlabel("x (input pixels)")
    return fig


def nearest_modes_figure(in_size: int = 3, out_size: int = 7):
    """``nearest`` (floor) against ``nearest-exact`` (half-pixel) on one row: which input pixel each output copies.

    Crosses mark the sample positions in input pixels: the left edge of each output pixel for ``nearest``, its
    centre for ``nearest-exact``. Output pixels take the colour of the input pixel they copy. Returns the figure.
    """
    colors = [PALETTE[c] for c in ("blue", "orange", "green", "purple", "sky", "yellow", "vermillion")]
    cmap = ListedColormap(colors[:in_size])
    fig, axes = plt.subplots(2, 1, figsize=(7.2, 3.8), layout="constrained", sharex=True)
    for ax, mode in zip(axes, ("nearest", "nearest-exact")):
        idx = source_coordinates(out_size, in_size, None, mode)
        step = in_size / out_size
        style = dict(cmap=cmap, alpha=0.75, vmin=-0.5, vmax=in_size - 0.5, aspect="auto")
        ax.imshow(np.arange(in_size)[None, :], extent=(0, in_size, 0.6, 0.0), **style)
        ax.imshow(idx[None, :], extent=(0, in_size, 1.6, 1.0), **style)
        for e in np.arange(in_size + 1):
            ax.plot([e, e], [0.0, 0.6], color="0.3", lw=0.7)
        for e in np.arange(out_size + 1) * step:
            ax.plot([e, e], [1.0, 1.6], color="0.3", lw=0.7)
        for j in range(in_size):
            ax.text(j + 0.5, 0.15, f"{j}", ha="center", va="center", fontsize=9)
        for d in range(out_size):
            ax.text((d + 0.5) * step, 1.3, f"{idx[d]}", ha="center", va="center", fontsize=9)
        pos = np.arange(out_size) * step if mode == "nearest" else (np.arange(out_size) + 0.5) * step
        mark_samples(ax, pos, np.full(out_size, 0.42), size=8, color="black")
        for d in range(out_size):
            ax.plot([pos[d], pos[d]], [0.5, 1.0], color="0.4", lw=0.7, ls=":")
        ax.set_ylim(1.7, -0.1)
        ax.set_xlim(-0.1, in_size + 0.1)
        ax.set_yticks([0.3, 1.3], [f"input ({in_size})", f"output ({out_size})"])
        rule = "floor(x_dst · in/out)" if mode == "nearest" else "floor((x_dst + 1/2) · in/out)"
        ax.set_title(f'mode="{mode}": output x_dst copies input {rule}')
        ax.spines["left"].set_visible(False)
    axes[1].set_xlabel("x (input pixels)")
    return fig


def size_vs_scale_figure(in_size: int = 5, scale_factor: float = 1.5):
    """Same output length, different samples: ``scale_factor`` against ``size`` against the recomputed scale.

    Rows show the source coordinates (crosses, in input pixels; linear mode, half-pixel) of the three calls
    ``interpolate(x, scale_factor=s)``, ``interpolate(x, size=floor(in*s))`` and
    ``interpolate(x, scale_factor=s, recompute_scale_factor=True)``. The coordinates are drawn before the clamp
    at 0 (as in :func:`conventions_figure`), so each row is evenly spaced, as its rule places the samples; where
    they are not negative they are the library's :func:`~updown.interpolation.source_coordinates`. Returns the figure.
    """
    out = int(np.floor(in_size * scale_factor))
    by_scale = (np.arange(out) + 0.5) / scale_factor - 0.5     # (eq-src-half) with the given scale factor
    by_size = unclamped_source(out, in_size, False)            # (eq-src-half) with the size ratio
    rows = [
        (f"scale_factor={scale_factor}", by_scale),
        (f"size={out}", by_size),
        ("scale_factor, recompute\n_scale_factor=True", by_size),
    ]
    fig, ax = plt.subplots(figsize=(7.6, 2.8), layout="constrained")
    for j in range(in_size + 1):
        ax.axvline(j, color="0.8", lw=0.7)
    ax.plot(np.arange(in_size) + 0.5, np.full(in_size, -0.7), "o", color="black", ms=4, label="input centres")
    colors = [PALETTE["vermillion"], PALETTE["blue"], PALETTE["green"]]
    for r, ((label, src), color) in enumerate(zip(rows, colors)):
        mark_samples(ax, src + 0.5, np.full(out, r), color=color, label=None)
        last = float(src[-1])
        ax.text(in_size + 0.15, r, f"last sample at {last + 0.5:.3f}\n(index {last:.3f})", va="center",
                fontsize=8, color=color)
    ax.set_yticks([-0.7, 0, 1, 2], ["input", *[r[0] for r in rows]])
    ax.set_ylim(2.6, -1.2)
    ax.set_xlim(-0.2, in_size + 1.6)
    ax.set_xlabel("x (input pixels)")
    ax.set_title(f"{in_size} → {out} pixels: three calls, same output size")
    return fig


def edge_clamp_figure(x: np.ndarray, factor: int = 2):
    """A 1D signal upsampled ``factor``x with both conventions; near the ends the half-pixel samples fall outside
    the first and last centre and are clamped (flat), the corner-aligned ones never leave. Returns the figure."""
    x = np.asarray(x, dtype=float)
    n = x.size
    fig, axes = plt.subplots(1, 2, figsize=(8.6, 2.9), layout="constrained", sharey=True)
    for ax, align in zip(axes, (False, True)):
        y = interpolate(x[None, None], scale_factor=factor, mode="linear", align_corners=align)[0, 0]
        u = unclamped_source(n * factor, n, align) + 0.5
        ax.plot(np.arange(n) + 0.5, x, "-", color="0.6", lw=1)
        ax.plot(np.arange(n) + 0.5, x, "o", color="black", ms=4, label="input samples (centres)")
        mark_samples(ax, u, y, label="output samples")
        outside = (u < 0.5) | (u > n - 0.5)
        if outside.any():
            ax.plot(u[outside], y[outside], "s", mfc="none", mec=PALETTE["blue"], ms=10, label="clamped")
        for j in range(n + 1):
            ax.axvline(j, color="0.88", lw=0.6, zorder=0)
        ax.set_title(f"align_corners={align}")
        ax.set_xlabel("x (input pixels)")
        ax.legend(loc="upper left")
    axes[0].set_ylabel("value")
    return fig


def gaussian_blob(size: int, centre, sigma: float = 3.0) -> np.ndarray:
    """A ``size`` x ``size`` float64 image of a Gaussian blob centred at index coordinates ``centre = (row, col)``."""
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    cy, cx = centre
    return np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2.0 * sigma ** 2))


def centroid(img: np.ndarray):
    """Intensity-weighted centre ``(row, col)`` of a 2D image, in index coordinates."""
    img = np.asarray(img, dtype=float)
    yy, xx = np.mgrid[0:img.shape[0], 0:img.shape[1]]
    m = img.sum()
    return float((img * yy).sum() / m), float((img * xx).sum() / m)


def shift_figure(img, recon_same, recon_mixed, factor: int, half: int = 9):
    """The blob image, its reconstruction with matching conventions and with mismatched ones; centroids marked.

    Each panel shows a window of ``2*half`` pixels around the input's centroid; a dot marks the input's centroid,
    a cross the panel's own, so the shift is the gap between them. Returns the figure.
    """
    fig, axes = plt.subplots(1, 3, figsize=(9.0, 3.6), layout="constrained")
    c0 = centroid(img)
    r0 = int(round(c0[0])) - half
    q0 = int(round(c0[1])) - half
    titles = ["input", f"down {factor}×, up {factor}×,\nsame convention", f"down {factor}×, up {factor}×,\n"
              "decoder align_corners=True"]
    for ax, im, title in zip(axes, (img, recon_same, recon_mixed), titles):
        cy, cx = centroid(im)
        window = im[r0:r0 + 2 * half, q0:q0 + 2 * half]
        ax.imshow(window, cmap="viridis", extent=(q0, q0 + 2 * half, r0 + 2 * half, r0))
        ax.plot(c0[1] + 0.5, c0[0] + 0.5, "o", color="white", ms=6, label="input centroid")
        mark_samples(ax, cx + 0.5, cy + 0.5, color=PALETTE["vermillion"], label="this image's centroid", size=10)
        ax.set_title(f"{title}\nshift (y, x) = ({cy - c0[0]:+.2f}, {cx - c0[1]:+.2f}) px")
        ax.set_xlabel("x (pixels)")
    axes[0].set_ylabel("y (pixels)")
    axes[0].legend(loc="lower left", labelcolor="white")
    return fig


def default_resize_figure(ring: np.ndarray, box: np.ndarray, outputs: dict):
    """A thin ring, its exact box average at the output size, and each library's default resize of it.

    ``outputs`` maps a library's name to its output (the shape of ``box``). Panels share one grey scale from 0 to
    the box average's maximum, so an aliased output, which copies isolated pixels of the ring at full value,
    saturates. Returns the figure.
    """
    panels = [("input, %d×%d" % ring.shape, ring), ("exact box average", box), *outputs.items()]
    fig, axes = plt.subplots(2, 4, figsize=(9.6, 5.2), layout="constrained")
    top = float(box.max())
    for ax, (title, img) in zip(axes.flat, panels):
        n = img.shape[0]
        vmax = 1.0 if img is ring else top
        ax.imshow(img, cmap="gray", vmin=0, vmax=vmax, extent=(0, n, n, 0), interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("x (pixels)", fontsize=8)
        ax.set_ylabel("y (pixels)", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    return fig

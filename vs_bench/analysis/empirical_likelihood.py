"""The jackknife empirical likelihood interval of a mean of pseudo-values, at any level.

−2 log R(θ) of the mean of v (Owen 2001), λ by Newton's method; the interval
{θ : −2 log R(θ) <= F_{1,n−1}(1 − 2α)} (Jing, Yuan & Zhou 2009), F-calibrated for small n.
The ratio does not depend on the level: it is tabulated once per set of pseudo-values and
each level's bounds are placed in its cells (``ElIntervals``). Used by ``stats`` for the
semantic diversity of a prompt.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import special

FloatArray = npt.NDArray[np.float64]
_NAN = math.nan
_NEWTON_STEPS = 25  # for λ of the empirical likelihood (quadratic convergence)
# The empirical likelihood interval's bounds: −2 log R tabulated on _TABLE cells from the
# mean to each edge; a bound errs wide by at most (mean → edge)·_PRECISION, as the former
# 4 rounds of 33-point grids (32^-4); _GRID points per round where the table's
# interpolant is not confirmed; _CUBIC_STEPS of Newton place the crossing in a cell
_TABLE, _PRECISION, _GRID, _CUBIC_STEPS = 256, 2.0**-20, 33, 4
_BLOCK = 1 << 18  # elements of v − θ per block of the ratio's evaluation (memory)
_STEPS = np.linspace(0.0, 1.0, _GRID)


def el_solve(d: FloatArray, start: FloatArray | None = None) -> tuple[FloatArray, FloatArray]:
    """−2 log R(θ) and λ for each row of d = v − θ (Owen 2001); zero entries pad a row and
    change neither.

    −2 log R(θ) = 2 Σ ln(1 + λ d_i), λ solving g(λ) = Σ d_i/(1 + λ d_i) = 0 on
    (−1/max d, −1/min d), where g falls: Newton steps from 0 (or ``start`` where it lies
    in that bracket), bisection when a step leaves the bracket, until λ changes by less
    than 1e-12 of itself. +inf (λ NaN) outside (min v, max v).
    """
    inside = (d.min(axis=1) < 0) & (d.max(axis=1) > 0)
    d = d[inside]
    lo, hi = -1.0 / d.max(axis=1), -1.0 / d.min(axis=1)
    lam = np.zeros(len(d))
    if start is not None:
        guess = start[inside]
        lam = np.where((guess > lo) & (guess < hi), guess, 0.0)
    for _ in range(_NEWTON_STEPS):
        ratio = d / (1.0 + lam[:, None] * d)
        g = ratio.sum(axis=1)
        lo, hi = np.where(g > 0, lam, lo), np.where(g > 0, hi, lam)
        step = lam + g / np.sum(ratio**2, axis=1)
        # a step that rounds to λ itself is kept (it lies on the bracket's new end)
        keep = ((step > lo) & (step < hi)) | (step == lam)
        lam, previous = np.where(keep, step, (lo + hi) / 2.0), lam
        # converged (quadratically: the next step is at rounding); −2 log R is stationary
        # in λ, so what is left of λ's error changes it by its square
        if np.all(np.abs(lam - previous) <= 1e-12 * np.abs(lam)):
            break
    result = np.full(inside.shape, np.inf)
    result[inside] = 2.0 * np.sum(np.log1p(lam[:, None] * d), axis=1)
    multiplier = np.full(inside.shape, _NAN)
    multiplier[inside] = lam
    return result, multiplier


def el_ratio(v: FloatArray, thetas: FloatArray) -> FloatArray:
    """−2 log R(θ), the empirical likelihood ratio of the mean of v, for each θ (Owen 2001):
    ``el_solve`` of d_i = v_i − θ; +inf outside (min v, max v)."""
    return el_solve(v[None, :] - thetas[:, None])[0]


class ElIntervals:
    """The jackknife empirical likelihood intervals of several prompts' pseudo-values at
    any level: {θ : −2 log R(θ) <= F_{1,n−1}(1 − 2α)} (Jing, Yuan & Zhou 2009), F-calibrated
    for small n (Owen 2001).

    Only the critical value depends on α, so −2 log R is tabulated once per prompt, with
    its slope d(−2 log R)/dθ = −2nλ (as g(λ) = 0), on ``_TABLE`` cells from the mean to
    each edge: it falls from +inf at min v to 0 at the mean and rises to +inf at max v.
    At a level, each bound is bracketed by the first cell beyond the critical value,
    placed in it by the cell's cubic Hermite interpolant and confirmed by the ratio at
    ± half the precision around that point (one call for every prompt and bound); where
    that fails (rarely, mostly in the last cell before an edge), the bracket is narrowed
    on 33-point grids. The outer end of the bracket is kept: the interval errs wide, by at
    most (distance from the mean to that edge)·``_PRECISION``.
    """

    def __init__(self, pseudo: Sequence[FloatArray]) -> None:
        # one row per bound: prompt j's lower bound is row 2j, its upper bound 2j + 1
        width = max(v.size for v in pseudo)
        self._v = np.zeros((len(pseudo), width))
        self._mask = np.zeros((len(pseudo), width), dtype=bool)
        for j, v in enumerate(pseudo):
            self._v[j, : v.size], self._mask[j, : v.size] = v, True
        sizes = np.repeat([float(v.size) for v in pseudo], 2)
        self._dfd = sizes - 1.0
        centre = np.repeat([float(v.mean()) for v in pseudo], 2)
        edges = np.array([e for v in pseudo for e in (float(v.min()), float(v.max()))])
        self._tolerance = _PRECISION * np.abs(edges - centre)
        self._grid = centre[:, None] + np.linspace(0.0, 1.0, _TABLE + 1) * (edges - centre)[:, None]
        ratio, lam = self._solve(np.repeat(np.arange(sizes.size), _TABLE + 1), self._grid.ravel())
        self._ratio = ratio.reshape(self._grid.shape)
        self._lam = lam.reshape(self._grid.shape)
        self._slope = -2.0 * sizes[:, None] * self._lam

    def _solve(self, row: npt.NDArray[np.int64], thetas: FloatArray,
               start: FloatArray | None = None) -> tuple[FloatArray, FloatArray]:
        """−2 log R and λ at thetas[i] for the pseudo-values of bound row[i], in blocks."""
        if not thetas.size:
            return np.zeros(0), np.zeros(0)
        size = max(1, _BLOCK // self._v.shape[1])
        found = []
        for s in range(0, thetas.size, size):
            prompt, t = row[s : s + size] // 2, thetas[s : s + size]
            d = np.where(self._mask[prompt], self._v[prompt] - t[:, None], 0.0)
            found.append(el_solve(d, None if start is None else start[s : s + size]))
        return np.concatenate([r for r, _ in found]), np.concatenate([m for _, m in found])

    def bounds(self, alpha: float) -> FloatArray:
        """(prompts, 2): each prompt's lower and upper bound at level 1 − 2α."""
        critical = special.fdtri(1.0, self._dfd, 1.0 - 2.0 * alpha)
        rows = np.arange(critical.size)
        # the first cell beyond the critical value (>= 1: the ratio is 0 at the mean)
        first = np.maximum(np.argmax(self._ratio > critical[:, None], axis=1), 1)
        inner, outer = self._grid[rows, first - 1], self._grid[rows, first]
        r0, r1 = self._ratio[rows, first - 1], self._ratio[rows, first]
        step = outer - inner
        m0, m1 = self._slope[rows, first - 1] * step, self._slope[rows, first] * step
        # H(t) = Σ c_k t^k on t ∈ [0, 1]: its crossing of the critical value by Newton
        # steps from the chord's (H(0) <= critical < H(1)); the probes below check it
        c2, c3 = 3.0 * (r1 - r0) - 2.0 * m0 - m1, 2.0 * (r0 - r1) + m0 + m1
        t = (critical - r0) / (r1 - r0)
        for _ in range(_CUBIC_STEPS):
            slope = m0 + t * (2.0 * c2 + t * 3.0 * c3)
            value = r0 + t * (m0 + t * (c2 + t * c3)) - critical
            moved = np.where(slope > 0, t - value / np.where(slope > 0, slope, 1.0), t)
            t = np.minimum(np.maximum(moved, 0.0), 1.0)
        # the ratio at ± half the tolerance around it narrows the bracket [lower, upper]
        # in t (the ratio is monotone there), to the tolerance where both sides hold
        usable = np.flatnonzero(np.isfinite(r1) & np.isfinite(m1))  # not before an edge
        half = 0.5 * (1.0 - 1e-6) * self._tolerance[usable] / np.abs(step[usable])
        probes = np.minimum(np.maximum(np.stack([t[usable] - half, t[usable] + half]), 0.0),
                            1.0)
        at = inner[usable] + probes * step[usable]
        lam = self._lam[usable, first[usable] - 1] + probes * (
            self._lam[usable, first[usable]] - self._lam[usable, first[usable] - 1])
        ratio = self._solve(np.tile(usable, 2), at.ravel(), lam.ravel())[0].reshape(2, -1)
        beyond = ratio > critical[usable]
        lower, upper = np.zeros(rows.size), np.ones(rows.size)
        lower[usable] = np.max(np.where(beyond, 0.0, probes), axis=0)
        upper[usable] = np.min(np.where(beyond, probes, 1.0), axis=0)
        found = self._refine(inner + lower * step, inner + upper * step, critical)
        return found.reshape(-1, 2)

    def _refine(self, inner: FloatArray, outer: FloatArray, critical: FloatArray
                ) -> FloatArray:
        """Brackets [inner, outer] of every bound (ratio <= / > critical at the ends)
        narrowed on 33-point grids to the tolerance, as the former method; the outer ends."""
        while True:
            # (the slack: a bracket of exactly the tolerance, up to rounding, is done)
            wide = np.flatnonzero(np.abs(outer - inner) > self._tolerance * (1.0 + 1e-9))
            if not wide.size:
                return outer
            grid = inner[wide, None] + _STEPS * (outer - inner)[wide, None]
            ratio = self._solve(np.repeat(wide, _GRID), grid.ravel())[0].reshape(grid.shape)
            first = np.maximum(np.argmax(ratio > critical[wide, None], axis=1), 1)
            rows = np.arange(wide.size)
            inner[wide], outer[wide] = grid[rows, first - 1], grid[rows, first]

"""Noise in f: its level measured (ECnoise, Moré & Wild 2011) and the difference step chosen from it (Moré & Wild 2012).

* ``zeroopt/noise/ecnoise.py``: :func:`~zeroopt.noise_level` and its result :class:`~zeroopt.NoiseLevel`;
* ``zeroopt/noise/step.py``: the steps :func:`forward_step` and :func:`central_step` from the noise and a
  derivative, and :func:`auto_step`, the whole rule (noise, derivative, step) at a point.
"""

from .ecnoise import NoiseLevel, noise_level
from .step import AutoStep, auto_step, central_step, forward_step

__all__ = ["noise_level", "NoiseLevel", "forward_step", "central_step", "auto_step", "AutoStep"]

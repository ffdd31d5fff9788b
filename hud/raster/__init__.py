"""Raster backends: draw commands -> one float buffer per eye. The CPU backend is the reference."""
from __future__ import annotations

from hud.raster.cpu import CpuRaster

BACKENDS = {"cpu": CpuRaster}

__all__ = ["BACKENDS", "CpuRaster"]

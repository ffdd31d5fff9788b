from collections.abc import Sequence

import numpy as np

def glyph_run(
    buffer: np.ndarray,
    items: Sequence[tuple[object, np.ndarray, int, int]],
    dx: int,
    dy: int,
    clip: tuple[int, int, int, int],
    colour: Sequence[float],
) -> None: ...

"""Sweeps: a grid of runs (`grid`), trained locally (`local`) or on Ray (`ray_engine`), written as runs end and
resumed by config key (`results`, `runner`); `python -m seqlab sweep GRID.toml` (`command`)."""

"""The house colours stay apart for colour-blind eyes: every pair of architecture colours (and each against the truth's
black and the baselines' grey) under simulated deuteranopia and protanopia.

Simulation: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color vision
deficiency", severity 1.0 matrices, applied to linear sRGB. Distance: CIEDE2000 (Sharma, Wu & Dalal 2005) in CIELAB
under D65, checked here against their published test pairs. A pair passes at a CIEDE2000 of MIN_DELTA_E or more in
normal vision and in both simulations: about ten times a just-noticeable difference, so two thin lines on a projector
stay apart at a glance.
"""

import itertools

import numpy as np
import pytest

from seqlab.charts.training import ARCH_COLOURS, BASELINE_GREY, LABEL_COLOURS

MIN_DELTA_E = 12.0
ARCHITECTURES = ["RNN", "LSTM", "GRU", "TCN", "Transformer"]
# Machado et al. (2009), severity 1.0, for linear RGB
PROTANOPIA = np.array([[0.152286, 1.052583, -0.204868],
                       [0.114503, 0.786281, 0.099216],
                       [-0.003882, -0.048116, 1.051998]])
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968],
                         [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])
VISIONS = {"normal": np.eye(3), "deuteranopia": DEUTERANOPIA, "protanopia": PROTANOPIA}
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
D65_WHITE = np.array([0.95047, 1.0, 1.08883])
OLD_RED_AND_GREEN = ("#e45756", "#54a24b")  # the RNN and the GRU until issue 14


def linear_rgb(colour: str) -> np.ndarray:
    """'#rrggbb' -> linear sRGB in [0, 1] (the sRGB transfer curve undone)."""
    encoded = np.array([int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]) / 255
    return np.where(encoded <= 0.04045, encoded / 12.92, ((encoded + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    """Linear sRGB -> CIELAB (D65)."""
    xyz = SRGB_TO_XYZ @ np.clip(rgb, 0, 1) / D65_WHITE
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour: str, vision: str) -> np.ndarray:
    """The colour in CIELAB as an eye with this vision sees it."""
    return lab(VISIONS[vision] @ linear_rgb(colour))


def ciede2000(lab1, lab2) -> float:
    """The CIEDE2000 colour difference (kL = kC = kH = 1), after Sharma, Wu & Dalal (2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    dl, dc, d_hue = l2 - l1, c2 - c1, 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_bar, c_bar = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_bar = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_bar = (h1 + h2) / 2
    else:
        h_bar = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_bar, 1 + 0.015 * c_bar * t
    rotation = 60 * np.exp(-((h_bar - 275) / 25) ** 2)  # degrees
    r_t = -2 * np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)) * np.sin(np.radians(rotation))
    return float(np.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (d_hue / s_h) ** 2 + r_t * (dc / s_c) * (d_hue / s_h)))


def hue(colour: str) -> float:
    """CIELAB hue angle in degrees, as seen with normal vision."""
    _, a, b = seen(colour, "normal")
    return float(np.degrees(np.arctan2(b, a)) % 360)


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [  # Sharma, Wu & Dalal (2005), table 1, pairs 1, 7, 17, 25
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
])
def test_ciede2000_matches_the_published_test_pairs(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("matrix", [DEUTERANOPIA, PROTANOPIA])
def test_the_simulations_keep_greys_grey_and_fold_red_onto_green(matrix):
    np.testing.assert_allclose(matrix @ np.ones(3), np.ones(3), atol=1e-5)  # white, black and greys unchanged
    red, green = (linear_rgb(c) for c in OLD_RED_AND_GREEN)
    normal = ciede2000(lab(red), lab(green))
    assert normal > 50 and ciede2000(lab(matrix @ red), lab(matrix @ green)) < normal / 3  # the old pair folds


def test_the_old_red_and_green_fail_the_check_this_palette_passes():
    red, green = OLD_RED_AND_GREEN
    assert ciede2000(seen(red, "deuteranopia"), seen(green, "deuteranopia")) < MIN_DELTA_E


def test_all_five_architectures_have_a_house_colour():
    assert list(ARCH_COLOURS) == ARCHITECTURES
    assert all(LABEL_COLOURS[arch] == ARCH_COLOURS[arch] for arch in ARCHITECTURES)


@pytest.mark.parametrize("vision", list(VISIONS))
def test_every_pair_of_architecture_colours_stays_apart(vision):
    named = {**ARCH_COLOURS, "truth": LABEL_COLOURS["truth"], "baseline grey": BASELINE_GREY}
    close = [(a, b, round(ciede2000(seen(named[a], vision), seen(named[b], vision)), 1))
             for a, b in itertools.combinations(named, 2)
             if ciede2000(seen(named[a], vision), seen(named[b], vision)) < MIN_DELTA_E]
    assert not close, f"too close under {vision} (CIEDE2000 < {MIN_DELTA_E}): {close}"


def test_the_rnn_and_the_gru_are_no_longer_red_and_green():
    def red(colour: str) -> bool:  # CIELAB hues from magenta-red through red to red-orange
        return hue(colour) < 50 or hue(colour) > 330

    def green(colour: str) -> bool:
        return 100 < hue(colour) < 200

    assert red(OLD_RED_AND_GREEN[0]) and green(OLD_RED_AND_GREEN[1])  # the test knows red and green when it sees them
    pair = ARCH_COLOURS["RNN"], ARCH_COLOURS["GRU"]
    assert not any(green(colour) for colour in pair)
    assert min(ciede2000(seen(pair[0], v), seen(pair[1], v)) for v in VISIONS) >= 2 * MIN_DELTA_E

"""Checks of the training augmentation (training/data.py): the channel preset's copies keep length and range, the
narrowband codec round trip really removes what an 8 kHz phone cannot carry, and caches are keyed by the settings.
Synthetic audio only (no ../shared needed); the codec checks skip where ffmpeg is absent.

    /usr/bin/python3 -m pytest training/test_augment.py -q
"""
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402

SR = data.SAMPLE_RATE
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


def wideband(seconds: float = 1.0, seed: int = 0) -> np.ndarray:
    """A 400 Hz harmonic tone with white noise: power well above 4 kHz."""
    t = np.arange(int(seconds * SR)) / SR
    x = sum(np.sin(2 * np.pi * 400 * k * t) / k for k in range(1, 16))
    return (0.3 * x / np.max(np.abs(x)) + 0.05 * np.random.default_rng(seed).standard_normal(len(t))).astype(np.float32)


def high_share(x: np.ndarray, hz: float = 4100.0) -> float:
    p = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(len(x), 1 / SR)
    return float(p[f > hz].sum() / p.sum())


@needs_ffmpeg
@pytest.mark.parametrize("name", sorted(data.NARROWBAND_CODECS))
def test_narrowband_round_trip_band_limits_and_keeps_length(name):
    x = wideband()
    y = data.codec_round_trip(x, *data.NARROWBAND_CODECS[name], 8000)
    assert len(y) == len(x) and np.isfinite(y).all()
    assert high_share(x) > 0.01 and high_share(y) < 1e-3
    # the decoder delay is removed: the copy lines up with the original
    lag = np.argmax(np.correlate(y[2000:6000], x[2000 - 200:6000 + 200], mode="valid")) - 200
    assert abs(lag) <= 8


@needs_ffmpeg
def test_channel_preset_copies_are_finite_same_length_and_in_range():
    x = wideband(2.0)
    negatives = [np.random.default_rng(k).standard_normal(SR).astype(np.float32) * 0.1 for k in range(2)]
    rng = np.random.default_rng(3)
    for sr in (16000, 8000):
        for _ in range(6):
            y = data.augment(x, sr, [(0.2, 1.8)], negatives, rng, data.AUG_PRESETS["channel"])
            assert len(y) == len(x) and np.isfinite(y).all() and np.abs(y).max() <= 1.0


def test_reverberation_keeps_level_and_smears():
    x = np.zeros(SR, np.float32)
    x[100] = 1.0
    y = data.reverberate(x, 0.5, np.random.default_rng(0))
    assert np.isclose(np.sqrt(np.mean(y ** 2)), np.sqrt(np.mean(x ** 2)), rtol=1e-3)
    assert np.count_nonzero(np.abs(y) > 1e-4) > 1000  # an impulse becomes a tail


def test_cache_tags():
    assert data.AugmentConfig().cache_tag() == ""  # the caches built before channel augmentation stay valid
    assert data.AUG_PRESETS["channel"].cache_tag() != ""
    assert data.AugmentConfig(p_reverb=0.1).cache_tag() != data.AugmentConfig(p_reverb=0.2).cache_tag()

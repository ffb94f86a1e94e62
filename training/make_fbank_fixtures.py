"""Golden fixtures for the TypeScript Kaldi fbank: project-made signals and torchaudio's output.

  /usr/bin/python3 training/make_fbank_fixtures.py   ->  test/fixtures/fbank/{index.json, *.wave.f32, *.fbank.f32}

Each case stores the 16 kHz input waveform in [-1, 1] (float32 little-endian, before the x32768 scaling) and
torchaudio.compliance.kaldi.fbank of it (float32 little-endian, row-major [frames, 80]) with the embedding's
parameters, BEFORE the per-utterance mean subtraction. One case uses Kaldi's default 'povey' window instead.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch
import torchaudio

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402

OUT = data.REPO / "test" / "fixtures" / "fbank"
SR = 16000

# Every parameter of torchaudio.compliance.kaldi.fbank that matters, spelled out (library defaults included).
PARAMS = {
    "num_mel_bins": 80, "frame_length": 25.0, "frame_shift": 10.0, "sample_frequency": 16000.0,
    "window_type": "hamming", "dither": 0.0, "preemphasis_coefficient": 0.97, "remove_dc_offset": True,
    "round_to_power_of_two": True, "low_freq": 20.0, "high_freq": 0.0, "snip_edges": True,
    "use_energy": False, "energy_floor": 0.0, "raw_energy": True, "use_log_fbank": True, "use_power": True,
    "htk_compat": False, "subtract_mean": False, "vtln_warp": 1.0, "blackman_coeff": 0.42,
}


def harmonic_chirp(dur, f0a, f0b, rng, noise=0.01, n_harm=5, amp=0.5):
    t = np.arange(int(dur * SR)) / SR
    f0 = f0a + (f0b - f0a) * t / max(dur, 1e-9)
    phase = 2 * np.pi * np.cumsum(f0) / SR
    x = sum((0.7 ** (h - 1)) * np.sin(h * phase) for h in range(1, n_harm + 1))
    x = amp * x / np.max(np.abs(x)) + noise * rng.standard_normal(len(t))
    return x


def cases():
    rng = np.random.default_rng(20240611)
    out = []
    out.append(("chirp_harmonic_1500ms", "harmonic chirp, f0 300->900 Hz, 5 harmonics, white noise at -34 dB",
                harmonic_chirp(1.5, 300, 900, rng), {}))
    out.append(("chirp_harmonic_3000ms", "harmonic chirp, f0 300->900 Hz over 3 s, with noise",
                harmonic_chirp(3.0, 300, 900, rng, noise=0.02, amp=0.8), {}))
    out.append(("white_noise_500ms", "white Gaussian noise, sd 0.1", 0.1 * rng.standard_normal(int(0.5 * SR)), {}))
    t = np.arange(int(0.25 * SR)) / SR
    out.append(("tone_1khz_250ms", "pure tone 1 kHz, amplitude 0.5", 0.5 * np.sin(2 * np.pi * 1000 * t), {}))
    sc = np.zeros(int(0.2 * SR))
    sc[int(0.1 * SR)] = 0.9
    sc[int(0.1 * SR) + 1] = -0.5
    out.append(("silence_click_200ms", "digital silence with a two-sample click at 100 ms (log floor frames)",
                sc, {}))
    out.append(("chirp_30ms", "30 ms harmonic chirp: 480 samples, exactly one frame",
                harmonic_chirp(0.03, 400, 500, rng), {}))
    out.append(("chirp_20ms_no_frame", "20 ms (320 samples): fewer samples than one 400-sample frame -> 0 frames",
                harmonic_chirp(0.02, 400, 500, rng), {}))
    out.append(("noise_400_samples", "exactly one frame length (400 samples)", 0.2 * rng.standard_normal(400), {}))
    out.append(("noise_719_samples", "719 samples: 2 frames, the last 159 samples unused (snip_edges)",
                0.2 * rng.standard_normal(719), {}))
    out.append(("dc_offset_tone_300ms", "tone 440 Hz + DC offset 0.3 (remove_dc_offset matters)",
                0.3 + 0.3 * np.sin(2 * np.pi * 440 * np.arange(int(0.3 * SR)) / SR), {}))
    out.append(("chirp_povey_window_500ms", "harmonic chirp 350->600 Hz with Kaldi's default 'povey' window",
                harmonic_chirp(0.5, 350, 600, rng), {"window_type": "povey"}))
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    index = {
        "format_version": 1,
        "generator": "training/make_fbank_fixtures.py",
        "reference": f"torchaudio {torchaudio.__version__} torchaudio.compliance.kaldi.fbank(waveform * 32768, **params)",
        "waveform_scale": data.WAVEFORM_SCALE,
        "mean_subtraction": "none (fixtures are before the per-utterance mean subtraction)",
        "dtype": "float32 little-endian", "layout": "fbank is row-major [frames, num_mel_bins]",
        "params": PARAMS,
        "tolerance_hint": "float32 FFT differences: |delta| < 1e-3 typical on log-mel values; silent frames hit log(FLT_EPSILON) = -15.942385",
        "cases": [],
    }
    for name, desc, x, override in cases():
        x = np.clip(np.asarray(x, dtype=np.float32), -1, 1)
        params = {**PARAMS, **override}
        w = torch.from_numpy(x).reshape(1, -1) * data.WAVEFORM_SCALE
        x.astype("<f4").tofile(OUT / f"{name}.wave.f32")
        case = {"name": name, "description": desc, "samples": int(len(x)), "sample_rate": SR, "num_mel_bins": 80,
                "wave": f"{name}.wave.f32", "params_override": override}
        try:
            f = torchaudio.compliance.kaldi.fbank(w, **params).numpy().astype("<f4")
        except AssertionError as e:  # torchaudio refuses a waveform shorter than one window
            case.update({"frames": 0, "fbank": None, "torchaudio_error": str(e),
                         "expected": "0 frames (Kaldi: num_frames = 0 when samples < window with snip_edges)"})
            index["cases"].append(case)
            continue
        f.tofile(OUT / f"{name}.fbank.f32")
        case.update({"frames": int(f.shape[0]), "fbank": f"{name}.fbank.f32",
                     "fbank_min": float(f.min()), "fbank_max": float(f.max())})
        index["cases"].append(case)
    (OUT / "index.json").write_text(json.dumps(index, indent=2) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(index['cases'])} cases, {total / 1024:.0f} KiB in {OUT}")


if __name__ == "__main__":
    main()

"""Donate-a-Cry data for the cry embedding: manifest, infant split, 16 kHz audio, cry segments, features.

Everything is read from ../shared (never copied into the repository). Decoded audio, segments and the
augmented feature banks are cached in training/.cache/ (gitignored), so training only crops arrays.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import re
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import scipy.signal
import soundfile as sf
import torch
import torchaudio

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("ICLAS_SHARED", REPO.parent / "shared")).resolve()
DATASETS = SHARED / "datasets"
CACHE = HERE / ".cache"

SAMPLE_RATE = 16000
USED_CURATION = ("cry", "unreviewed")
SPLIT_SEED = 20240611
EVAL_MIN_RECORDINGS = 6  # protocols C and D evaluate infants with >= 6 cry/unreviewed recordings
VALIDATION_SHARE = 0.15

# The one feature definition shared by training, export fixtures and the TypeScript side.
FBANK_KW = dict(
    num_mel_bins=80,
    frame_length=25.0,
    frame_shift=10.0,
    dither=0.0,
    sample_frequency=16000.0,
    window_type="hamming",
    use_energy=False,
    energy_floor=0.0,
)
WAVEFORM_SCALE = 32768.0
MIN_CRY_S = 0.3
MAX_CRY_S = 3.0


def fbank(wave: np.ndarray | torch.Tensor, **override) -> torch.Tensor:
    """Kaldi fbank [T, 80] of a 16 kHz waveform in [-1, 1], before mean subtraction."""
    w = torch.as_tensor(wave, dtype=torch.float32).reshape(1, -1) * WAVEFORM_SCALE
    return torchaudio.compliance.kaldi.fbank(w, **{**FBANK_KW, **override})


# A card's input.mean_subtraction: "utterance" (WeSpeaker / 3D-Speaker: fbank minus its mean over time, which
# also removes the phone's and room's spectral envelope) or "none" (absolute log-mel of the peak-normalised cry).
MEAN_SUBTRACTION = ("utterance", "none")


def normalise_features(f: torch.Tensor, mean_subtraction: str = "utterance") -> torch.Tensor:
    if mean_subtraction == "utterance":
        return f - f.mean(dim=0, keepdim=True)
    if mean_subtraction == "none":
        return f
    raise ValueError(f"mean_subtraction must be one of {MEAN_SUBTRACTION}, not {mean_subtraction!r}")


def features(wave: np.ndarray | torch.Tensor, mean_subtraction: str = "utterance") -> torch.Tensor:
    """Model input for one cry, [T, 80]: fbank, minus its mean over time unless mean_subtraction is "none"."""
    return normalise_features(fbank(wave), mean_subtraction)


# ----------------------------------------------------------------------------------------------- manifest
@dataclass
class Recording:
    file: str
    stem: str
    infant: str
    platform: str
    sample_rate: int
    curation: str
    recorded_at: str
    duration_s: float = 0.0


def load_manifest(root: Path = DATASETS / "donateacry", curations: tuple = USED_CURATION) -> list[Recording]:
    out = []
    with open(root / "manifest.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["curation"] not in curations:
                continue
            stem = Path(r["file"]).stem
            out.append(Recording(r["file"], stem, r["infant_id"], r["platform"], int(r["sample_rate"]),
                                 r["curation"], r["recorded_at"], float(r["duration_s"] or 0)))
    return out


@dataclass
class Split:
    train: list[str]
    validation: list[str]
    evaluation: list[str]
    seed: int = SPLIT_SEED
    rule: str = ""


def make_split(recs: list[Recording], seed: int = SPLIT_SEED) -> Split:
    """Split by infant. Infants with >= 6 recordings are the evaluation set of protocols C and D and are never
    trained or validated on; of the rest, ~15 % of those with >= 2 recordings validate, everyone else trains."""
    counts: dict[str, int] = {}
    for r in recs:
        counts[r.infant] = counts.get(r.infant, 0) + 1
    evaluation = sorted(i for i, n in counts.items() if n >= EVAL_MIN_RECORDINGS)
    multi = sorted(i for i, n in counts.items() if 2 <= n < EVAL_MIN_RECORDINGS)
    rng = random.Random(seed)
    rng.shuffle(multi)
    n_val = round(VALIDATION_SHARE * len(multi))
    validation = sorted(multi[:n_val])
    train = sorted(i for i in counts if i not in set(evaluation) | set(validation))
    rule = (f"by infant_id; curation in {list(USED_CURATION)}; evaluation = infants with >= {EVAL_MIN_RECORDINGS} "
            f"recordings; validation = {VALIDATION_SHARE:.0%} of the other infants with >= 2 recordings "
            f"(sorted ids shuffled with random.Random({seed})); train = all remaining infants incl. singletons")
    return Split(train, validation, evaluation, seed, rule)


def fold_split(recs: list[Recording], fold: int, folds: int, seed: int = SPLIT_SEED) -> Split:
    """Infant-grouped k-fold cross-validation over every infant outside the evaluation set: the infants (sorted
    ids shuffled with random.Random(seed)) dealt into `folds` folds; fold `fold` is held out (reported as
    "validation", but never used to choose a step: cross-validated runs keep their last step), the others train.
    The evaluation infants stay out of every fold."""
    base = make_split(recs, seed)
    others = sorted(set(base.train) | set(base.validation))
    rng = random.Random(seed)
    rng.shuffle(others)
    held = sorted(i for k, i in enumerate(others) if k % folds == fold)
    train = sorted(i for k, i in enumerate(others) if k % folds != fold)
    rule = (f"infant-grouped {folds}-fold cross-validation over the infants outside the evaluation set (sorted ids "
            f"shuffled with random.Random({seed}), dealt in turn); fold {fold} held out, the last step kept")
    return Split(train, held, base.evaluation, seed, rule)


# ----------------------------------------------------------------------------------------------- audio
def load_audio_16k(path: Path) -> np.ndarray:
    x, sr = sf.read(str(path), dtype="float32", always_2d=True)
    x = x.mean(axis=1)
    if sr != SAMPLE_RATE:
        x = torchaudio.functional.resample(torch.from_numpy(x), sr, SAMPLE_RATE).numpy()
    return np.ascontiguousarray(x, dtype=np.float32)


def band_limit_8k(x: np.ndarray) -> np.ndarray:
    """Simulate an 8 kHz phone channel: down to 8 kHz and back to 16 kHz."""
    t = torch.from_numpy(x)
    y = torchaudio.functional.resample(torchaudio.functional.resample(t, SAMPLE_RATE, 8000), 8000, SAMPLE_RATE)
    y = y[: len(x)]
    if len(y) < len(x):
        y = torch.nn.functional.pad(y, (0, len(x) - len(y)))
    return y.numpy()


# ----------------------------------------------------------------------------------------------- segments
_TG_INTERVAL = re.compile(r"xmin\s*=\s*([0-9.eE+-]+)\s*\n\s*xmax\s*=\s*([0-9.eE+-]+)\s*\n\s*text\s*=\s*\"([^\"]*)\"")


def read_textgrid_cries(path: Path) -> list[tuple[float, float]]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return [(float(a), float(b)) for a, b, lab in _TG_INTERVAL.findall(text) if lab.strip() == "cry"]


def energy_segments(x: np.ndarray, sr: int = SAMPLE_RATE, hop_s: float = 0.01, win_s: float = 0.025,
                    above_floor_db: float = 6.0, min_event_s: float = 0.1, bridge_s: float = 0.05
                    ) -> list[tuple[float, float]]:
    """Plain energy segmenter for clips without hand-marked cries: frames louder than the 20th-percentile
    floor + 6 dB, gaps shorter than 50 ms bridged, events of at least 100 ms."""
    hop, win = int(sr * hop_s), int(sr * win_s)
    if len(x) < win:
        return []
    n = 1 + (len(x) - win) // hop
    idx = np.arange(win)[None, :] + hop * np.arange(n)[:, None]
    e = 10 * np.log10(np.mean(x[idx] ** 2, axis=1) + 1e-10)
    active = e > np.percentile(e, 20) + above_floor_db
    # bridge short gaps
    gap = int(round(bridge_s / hop_s))
    i = 0
    while i < n:
        if not active[i]:
            j = i
            while j < n and not active[j]:
                j += 1
            if i > 0 and j < n and j - i <= gap:
                active[i:j] = True
            i = j
        else:
            i += 1
    segs, start = [], None
    for i, a in enumerate(list(active) + [False]):
        if a and start is None:
            start = i
        elif not a and start is not None:
            t0, t1 = start * hop_s, (i - 1) * hop_s + win_s
            if t1 - t0 >= min_event_s:
                segs.append((round(t0, 3), round(t1, 3)))
            start = None
    return segs


def cry_segments(rec: Recording, x: np.ndarray) -> tuple[list[tuple[float, float]], str]:
    tg = DATASETS / "cry-segments" / f"{rec.stem}.TextGrid"
    if tg.exists():
        return read_textgrid_cries(tg), "textgrid"
    return energy_segments(x), "energy"


def embedding_cries(segs: list[tuple[float, float]], duration: float) -> list[tuple[float, float]]:
    """The cries one clip is embedded from: expirations of >= 0.3 s, long ones cut into <= 3 s pieces;
    a clip with none falls back to its longest segment (or the whole clip)."""
    out = []
    for a, b in segs:
        if b - a < MIN_CRY_S:
            continue
        n = int(np.ceil((b - a) / MAX_CRY_S - 1e-9))
        step = (b - a) / n
        out.extend((a + k * step, a + (k + 1) * step) for k in range(n))
    if not out:
        if segs:
            a, b = max(segs, key=lambda s: s[1] - s[0])
            mid = (a + b) / 2
            a, b = max(0.0, mid - MIN_CRY_S / 2), min(duration, mid + MIN_CRY_S / 2)
            out = [(a, b)]
        else:
            out = [(0.0, min(duration, MAX_CRY_S))]
    return out


# ----------------------------------------------------------------------------------------------- corpus cache
def corpus(recs: list[Recording] | None = None) -> dict:
    """{stem: {"wave": float32 16 kHz, "segments": [(s, e)], "segment_source": str}} cached in .cache/."""
    recs = recs or load_manifest()
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "corpus16k.pt"
    if path.exists():
        data = torch.load(path)
        if all(r.stem in data for r in recs):
            return data
    data = {}
    for r in recs:
        x = load_audio_16k(DATASETS / "donateacry" / r.file)
        segs, src = cry_segments(r, x)
        data[r.stem] = {"wave": x, "segments": segs, "segment_source": src}
    torch.save(data, path)
    return data


def load_negatives(max_clips: int | None = None) -> list[np.ndarray]:
    root = DATASETS / "negatives"
    path = CACHE / "negatives16k.pt"
    if path.exists():
        return torch.load(path)
    out = []
    with open(root / "manifest.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            out.append(load_audio_16k(root / r["file"]))
    torch.save(out, path)
    return out


# ----------------------------------------------------------------------------------------------- augmentation
@dataclass
class AugmentConfig:
    p_noise: float = 0.7
    snr_db: tuple = (5.0, 20.0)
    gain_db: tuple = (-12.0, 6.0)
    p_band_limit: float = 0.5  # applied to 16 kHz (iOS) clips only; Android clips are 8 kHz already
    # Channel augmentation (issue 15). Off by default, and no random number is drawn while a probability is 0, so
    # the default config reproduces the earlier copies (and their caches) exactly.
    p_reverb: float = 0.0
    rt60_s: tuple = (0.2, 0.8)
    p_codec: float = 0.0
    p_narrowband: float = 0.5  # of the coded copies: narrowband phone codec at 8 kHz; the rest IMA4 ADPCM at 16 kHz

    def describe(self) -> str:
        s = (f"per augmented copy: additive noise from shared/datasets/negatives (p={self.p_noise}, SNR "
             f"U{list(self.snr_db)} dB against the cry segments' power), random gain U{list(self.gain_db)} dB "
             f"(clipped to [-1,1]), 8 kHz band-limiting (resample 16k->8k->16k) of 16 kHz clips with "
             f"p={self.p_band_limit}")
        if self.p_reverb > 0:
            s += (f"; first, with p={self.p_reverb}, a synthetic room (exponentially decaying noise RIR, RT60 "
                  f"U{list(self.rt60_s)} s, direct path first, level kept)")
        if self.p_codec > 0:
            s += (f"; last, with p={self.p_codec}, an ffmpeg codec round trip: with p={self.p_narrowband} a "
                  f"narrowband codec at 8 kHz ({' / '.join(NARROWBAND_CODECS)}; Debian's ffmpeg has no AMR-NB "
                  f"encoder), otherwise IMA4 ADPCM (adpcm_ima_qt in CAF) at 16 kHz")
        return s

    def cache_tag(self) -> str:
        """'' for the default config (the caches built before issue 15 stay valid), else a hash of the settings."""
        if self == AugmentConfig():
            return ""
        return "_" + hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:10]


# Presets for train.py --aug.
AUG_PRESETS = {
    "default": AugmentConfig(),
    # channel: the two phones' codecs + a room; the codec's 8 kHz path replaces plain band-limiting
    "channel": AugmentConfig(p_band_limit=0.0, p_reverb=0.5, p_codec=0.7),
}


def synthetic_rir(rt60: float, rng: np.random.Generator, sr: int = SAMPLE_RATE) -> np.ndarray:
    """Hand-written because no RIR corpus or room simulator (pyroomacoustics) is installed here and PyPI is out
    of reach; a statistical late-reverb model is enough to smear the cry's harmonics the way a nursery does.
    Room impulse response: unit direct path at t=0, then Gaussian noise under exp(-6.9 t / RT60) (-60 dB at
    RT60) from a 1-5 ms pre-delay on, its energy a random 0.3-3x the direct path's."""
    n = int(rt60 * sr)
    t = np.arange(n) / sr
    tail = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    tail[: int(rng.uniform(0.001, 0.005) * sr)] = 0.0
    tail *= np.sqrt(rng.uniform(0.3, 3.0) / (np.sum(tail ** 2) + 1e-12))
    tail[0] = 1.0
    return tail


def reverberate(x: np.ndarray, rt60: float, rng: np.random.Generator) -> np.ndarray:
    y = scipy.signal.fftconvolve(x, synthetic_rir(rt60, rng))[: len(x)]
    return (y * np.sqrt(np.mean(x ** 2) / (np.mean(y ** 2) + 1e-12))).astype(np.float32)  # same RMS as the input


# (encoder args at 8 kHz, container, decoder delay in 16 kHz samples): GSM full rate (13 kbit/s) and Speex
# narrowband CELP at 5.95 / 8 / 11 kbit/s, the nearest encoders in Debian's ffmpeg to AMR-NB (ACELP, 4.75-12.2
# kbit/s), which it can decode but not encode. Speex's 10 ms delay is measured (cross-correlation) and removed.
NARROWBAND_CODECS = {
    "gsm": (["-c:a", "libgsm"], "gsm", 0),
    "speex-q2": (["-c:a", "libspeex", "-cbr_quality", "2"], "ogg", 160),
    "speex-q4": (["-c:a", "libspeex", "-cbr_quality", "4"], "ogg", 160),
    "speex-q6": (["-c:a", "libspeex", "-cbr_quality", "6"], "ogg", 160),
}
IMA4 = (["-c:a", "adpcm_ima_qt"], "caf", 0)  # the iPhone's IMA4; CAF because the mov muxer cannot write to a pipe


def codec_round_trip(x: np.ndarray, enc_args: list, fmt: str, delay: int, codec_sr: int) -> np.ndarray:
    """Hand-written because torchaudio 0.13's codec support (sox_io / apply_codec) has neither GSM, Speex nor IMA4
    ADPCM here, while the system ffmpeg does.
    16 kHz float -> ffmpeg encode at codec_sr -> decode -> 16 kHz float, same length and alignment, all through
    pipes (two processes one after the other: nothing is written to disk and the pipes cannot deadlock)."""
    ff = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin"]
    pcm = np.clip(x, -1.0, 1.0).astype("<f4").tobytes()
    coded = subprocess.run([*ff, "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
                            "-ar", str(codec_sr), *enc_args, "-f", fmt, "pipe:1"],
                           input=pcm, capture_output=True, check=True).stdout
    out = subprocess.run([*ff, "-f", fmt, "-i", "pipe:0", "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "1",
                          "pipe:1"], input=coded, capture_output=True, check=True).stdout
    y = np.frombuffer(out, dtype="<f4")[delay: delay + len(x)]
    return np.pad(y, (0, len(x) - len(y))).astype(np.float32)


def augment(x: np.ndarray, native_sr: int, segs: list, negatives: list[np.ndarray], rng: np.random.Generator,
            cfg: AugmentConfig) -> np.ndarray:
    y = x.copy()
    if cfg.p_reverb > 0 and rng.random() < cfg.p_reverb:  # the room comes before the microphone
        y = reverberate(y, rng.uniform(*cfg.rt60_s), rng)
    if native_sr >= 16000 and rng.random() < cfg.p_band_limit:
        y = band_limit_8k(y)
    if rng.random() < cfg.p_noise and negatives:
        noise = negatives[rng.integers(len(negatives))]
        if len(noise) < len(y):
            noise = np.tile(noise, int(np.ceil(len(y) / len(noise))))
        off = rng.integers(0, len(noise) - len(y) + 1)
        noise = noise[off: off + len(y)]
        mask = np.zeros(len(y), bool)
        for a, b in segs:
            mask[int(a * SAMPLE_RATE): int(b * SAMPLE_RATE)] = True
        p_sig = float(np.mean(y[mask] ** 2)) if mask.any() else float(np.mean(y ** 2))
        p_noise = float(np.mean(noise ** 2)) + 1e-12
        snr = rng.uniform(*cfg.snr_db)
        y = y + noise * np.sqrt(p_sig / (p_noise * 10 ** (snr / 10)))
    g = 10 ** (rng.uniform(*cfg.gain_db) / 20)
    y = np.clip(y * g, -1.0, 1.0)  # louder copies clip like an overdriven phone microphone
    if cfg.p_codec > 0 and rng.random() < cfg.p_codec:  # the phone encodes what its microphone gave it
        if rng.random() < cfg.p_narrowband:
            names = sorted(NARROWBAND_CODECS)
            y = codec_round_trip(y, *NARROWBAND_CODECS[names[rng.integers(len(names))]], 8000)
        else:
            y = codec_round_trip(y, *IMA4, SAMPLE_RATE)
    return y.astype(np.float32)


def feature_banks(recs: list[Recording], n_aug: int, seed: int = 7, aug: AugmentConfig | None = None) -> dict:
    """{stem: float16 [n_aug+1, T, 80]} fbank of the whole clip: copy 0 clean, copies 1.. augmented."""
    aug = aug or AugmentConfig()
    path = CACHE / f"fbank_bank_{n_aug}_{seed}{aug.cache_tag()}.pt"
    if path.exists():
        bank = torch.load(path)
        if all(r.stem in bank for r in recs):
            return bank
    data = corpus(recs)
    negs = load_negatives()
    rng = np.random.default_rng(seed)
    bank = {}
    for r in recs:
        d = data[r.stem]
        copies = [fbank(d["wave"])]
        for _ in range(n_aug):
            copies.append(fbank(augment(d["wave"], r.sample_rate, d["segments"], negs, rng, aug)))
        bank[r.stem] = torch.stack(copies).half()
    torch.save(bank, path)
    return bank


def peak_normalise(x: np.ndarray) -> np.ndarray:
    p = float(np.max(np.abs(x))) if len(x) else 0.0
    return x / p if p > 0 else x


def cry_bank(recs: list[Recording], n_aug: int, seed: int = 7, aug: AugmentConfig | None = None) -> dict:
    """{stem: (float16 [n_aug+1, T, 80], int64 [n_pieces+1] frame offsets)}: the clip's embedding cries
    (`embedding_cries`), each peak-normalised and fbanked on its own exactly as at evaluation time, their
    frames concatenated; copy 0 clean, copies 1.. augmented (the whole clip is augmented, then cut)."""
    aug = aug or AugmentConfig()
    path = CACHE / f"cry_bank_{n_aug}_{seed}{aug.cache_tag()}.pt"
    if path.exists():
        bank = torch.load(path)
        if all(r.stem in bank for r in recs):
            return bank
    data = corpus(recs)
    negs = load_negatives()
    rng = np.random.default_rng(seed)
    bank = {}
    for r in recs:
        d = data[r.stem]
        pieces = embedding_cries(d["segments"], len(d["wave"]) / SAMPLE_RATE)
        spans = [(int(a * SAMPLE_RATE), int(b * SAMPLE_RATE)) for a, b in pieces]
        spans = [(a, min(b, len(d["wave"]))) for a, b in spans if min(b, len(d["wave"])) - a >= 400]
        if not spans:
            spans = [(0, min(len(d["wave"]), int(MAX_CRY_S * SAMPLE_RATE)))]
        copies = []
        for k in range(n_aug + 1):
            w = d["wave"] if k == 0 else augment(d["wave"], r.sample_rate, d["segments"], negs, rng, aug)
            copies.append(torch.cat([fbank(peak_normalise(w[a:b])) for a, b in spans]))
        lengths = [1 + (b - a - 400) // 160 for a, b in spans]
        bank[r.stem] = (torch.stack(copies).half(), torch.tensor(np.cumsum([0] + lengths)))
    torch.save(bank, path)
    return bank


def cry_frame_index(segs: list[tuple[float, float]], n_frames: int, min_s: float = 0.1) -> np.ndarray:
    """Frame indices whose 25 ms window lies inside a cry segment (frame i covers [10i, 10i+25) ms)."""
    idx = []
    for a, b in segs:
        if b - a < min_s:
            continue
        i0 = int(np.ceil(a * 100))
        i1 = int(np.floor((b - 0.025) * 100))
        idx.extend(range(max(0, i0), min(n_frames, i1 + 1)))
    return np.unique(np.asarray(idx, dtype=np.int64))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

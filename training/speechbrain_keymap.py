"""Load a SpeechBrain ECAPA-TDNN checkpoint (speechbrain/spkrec-ecapa-voxceleb `embedding_model.ckpt`) into
our EcapaTdnn. SpeechBrain wraps every nn.Conv1d as `<name>.conv` and every nn.BatchNorm1d as `<name>.norm`;
our modules hold them directly, so most of the mapping is unwrapping plus renaming:

  blocks.0.conv.conv.*                       -> front.conv.conv.*
  blocks.0.norm.norm.*                       -> front.bn.*
  blocks.{1,2,3}.tdnn{1,2}.conv.conv.*       -> blocks.{0,1,2}.tdnn{1,2}.conv.conv.*
  blocks.{1,2,3}.tdnn{1,2}.norm.norm.*       -> blocks.{0,1,2}.tdnn{1,2}.bn.*
  blocks.{i}.res2net_block.blocks.{j}.conv.conv.* -> blocks.{i-1}.res2.convs.{j}.conv.conv.*
  blocks.{i}.res2net_block.blocks.{j}.norm.norm.* -> blocks.{i-1}.res2.convs.{j}.bn.*
  blocks.{i}.se_block.conv{1,2}.conv.*       -> blocks.{i-1}.se.fc{1,2}.*
  mfa.conv.conv.* / mfa.norm.norm.*          -> mfa.conv.conv.* / mfa.bn.*
  asp.tdnn.conv.conv.* / asp.tdnn.norm.norm.* -> pool.tdnn.conv.conv.* / pool.tdnn.bn.*
  asp.conv.conv.*                            -> pool.attn.*
  asp_bn.norm.*                              -> pool_bn.*
  fc.conv.weight [192, 2C', 1]               -> head.weight [192, 2C'] (kernel-1 conv == linear)
  fc.conv.bias                               -> head.bias

SpeechBrain's VoxCeleb model has channels [1024, 1024, 1024, 1024, 3072], attention 128, SE 128, scale 8, i.e.
EcapaConfig(channels=1024) here. It was trained on 80-dim SpeechBrain Fbank features (not Kaldi fbank) with
sentence mean normalisation; fine-tuning on Kaldi fbank has to absorb that difference.
"""
from __future__ import annotations

import re
from pathlib import Path

import torch

_RULES = [
    (r"^blocks\.0\.conv\.conv\.(weight|bias)$", lambda m: f"front.conv.conv.{m[1]}"),
    (r"^blocks\.0\.norm\.norm\.(\w+)$", lambda m: f"front.bn.{m[1]}"),
    (r"^blocks\.([1-9])\.(tdnn[12])\.conv\.conv\.(weight|bias)$",
     lambda m: f"blocks.{int(m[1]) - 1}.{m[2]}.conv.conv.{m[3]}"),
    (r"^blocks\.([1-9])\.(tdnn[12])\.norm\.norm\.(\w+)$", lambda m: f"blocks.{int(m[1]) - 1}.{m[2]}.bn.{m[3]}"),
    (r"^blocks\.([1-9])\.res2net_block\.blocks\.(\d+)\.conv\.conv\.(weight|bias)$",
     lambda m: f"blocks.{int(m[1]) - 1}.res2.convs.{m[2]}.conv.conv.{m[3]}"),
    (r"^blocks\.([1-9])\.res2net_block\.blocks\.(\d+)\.norm\.norm\.(\w+)$",
     lambda m: f"blocks.{int(m[1]) - 1}.res2.convs.{m[2]}.bn.{m[3]}"),
    (r"^blocks\.([1-9])\.se_block\.conv([12])\.conv\.(weight|bias)$",
     lambda m: f"blocks.{int(m[1]) - 1}.se.fc{m[2]}.{m[3]}"),
    (r"^mfa\.conv\.conv\.(weight|bias)$", lambda m: f"mfa.conv.conv.{m[1]}"),
    (r"^mfa\.norm\.norm\.(\w+)$", lambda m: f"mfa.bn.{m[1]}"),
    (r"^asp\.tdnn\.conv\.conv\.(weight|bias)$", lambda m: f"pool.tdnn.conv.conv.{m[1]}"),
    (r"^asp\.tdnn\.norm\.norm\.(\w+)$", lambda m: f"pool.tdnn.bn.{m[1]}"),
    (r"^asp\.conv\.conv\.(weight|bias)$", lambda m: f"pool.attn.{m[1]}"),
    (r"^asp_bn\.norm\.(\w+)$", lambda m: f"pool_bn.{m[1]}"),
    (r"^fc\.conv\.(weight|bias)$", lambda m: f"head.{m[1]}"),
]


def map_speechbrain_key(key: str) -> str:
    for pat, repl in _RULES:
        m = re.match(pat, key)
        if m:
            return repl(m)
    raise KeyError(f"unmapped SpeechBrain key: {key}")


def convert_speechbrain_state_dict(sb: dict) -> dict:
    """SpeechBrain ECAPA_TDNN state_dict -> EcapaTdnn state_dict (tensors shared, fc kernel squeezed)."""
    out = {}
    for k, v in sb.items():
        if k.startswith("module."):
            k = k[len("module."):]
        nk = map_speechbrain_key(k)
        if nk == "head.weight" and v.dim() == 3:
            v = v.squeeze(-1)
        out[nk] = v
    return out


def load_speechbrain_checkpoint(model: torch.nn.Module, path: Path | str, strict: bool = True):
    sb = torch.load(path, map_location="cpu")
    if isinstance(sb, dict) and "state_dict" in sb and not any(k.startswith("blocks.") for k in sb):
        sb = sb["state_dict"]
    return model.load_state_dict(convert_speechbrain_state_dict(sb), strict=strict)

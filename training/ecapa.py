"""ECAPA-TDNN (Desplanques et al., 2020) for cry embeddings.

The layer arithmetic follows SpeechBrain's ECAPA_TDNN (conv -> ReLU -> BatchNorm, reflect "same" padding,
Res2Net scale 8, SE bottleneck 128, attentive statistics pooling with global context) so a VoxCeleb
checkpoint can be loaded through `speechbrain_keymap.py`; module names are our own and say what each part is.

Input: feats [B, T, 80] (Kaldi fbank; mean-subtracted over time or not, as the model card's
input.mean_subtraction says). Output: embs [B, 192] (not L2-normalised).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class EcapaConfig:
    n_mels: int = 80
    channels: int = 256  # C: width of the front conv and of the three SE-Res2Blocks
    mfa_channels: int | None = None  # default 3*C, as SpeechBrain's [C, C, C, C, 3C]
    attention_channels: int = 128
    se_channels: int = 128
    res2net_scale: int = 8
    embedding_dim: int = 192
    dilations: tuple = (2, 3, 4)
    global_context: bool = True
    dropout: float = 0.0  # before the head, in training only (no weights: the ONNX graph is unchanged)

    def mfa(self) -> int:
        return self.mfa_channels if self.mfa_channels else 3 * self.channels

    def to_json(self) -> dict:
        d = asdict(self)
        d["mfa_channels"] = self.mfa()
        d["dilations"] = list(self.dilations)
        return d


class SameConv1d(nn.Module):
    """Conv1d with reflect 'same' padding (SpeechBrain's default), so length T is preserved."""

    def __init__(self, cin: int, cout: int, kernel: int = 1, dilation: int = 1, bias: bool = True):
        super().__init__()
        self.pad = dilation * (kernel - 1) // 2
        self.conv = nn.Conv1d(cin, cout, kernel, dilation=dilation, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pad > 0:
            x = F.pad(x, (self.pad, self.pad), mode="reflect")
        return self.conv(x)


class TdnnLayer(nn.Module):
    """conv -> ReLU -> BatchNorm (order as in SpeechBrain's TDNNBlock)."""

    def __init__(self, cin: int, cout: int, kernel: int = 1, dilation: int = 1):
        super().__init__()
        self.conv = SameConv1d(cin, cout, kernel, dilation)
        self.bn = nn.BatchNorm1d(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(F.relu(self.conv(x)))


class Res2Conv(nn.Module):
    """Hierarchical residual-like dilated convolutions over `scale` channel groups."""

    def __init__(self, channels: int, scale: int, kernel: int, dilation: int):
        super().__init__()
        assert channels % scale == 0, "channels must divide by the Res2Net scale"
        self.scale = scale
        w = channels // scale
        self.convs = nn.ModuleList([TdnnLayer(w, w, kernel, dilation) for _ in range(scale - 1)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        chunks = torch.chunk(x, self.scale, dim=1)
        out = [chunks[0]]
        y = None
        for i in range(1, self.scale):
            y = self.convs[i - 1](chunks[i] if i == 1 else chunks[i] + y)
            out.append(y)
        return torch.cat(out, dim=1)


class SqueezeExcite(nn.Module):
    def __init__(self, channels: int, bottleneck: int):
        super().__init__()
        self.fc1 = nn.Conv1d(channels, bottleneck, 1)
        self.fc2 = nn.Conv1d(bottleneck, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = x.mean(dim=2, keepdim=True)
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(s))))
        return x * s


class SERes2Block(nn.Module):
    def __init__(self, channels: int, scale: int, se_channels: int, kernel: int, dilation: int):
        super().__init__()
        self.tdnn1 = TdnnLayer(channels, channels, 1)
        self.res2 = Res2Conv(channels, scale, kernel, dilation)
        self.tdnn2 = TdnnLayer(channels, channels, 1)
        self.se = SqueezeExcite(channels, se_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.se(self.tdnn2(self.res2(self.tdnn1(x))))


class AttentiveStatsPool(nn.Module):
    """Channel- and context-dependent attentive mean/std pooling (global context = utterance mean/std)."""

    def __init__(self, channels: int, attention_channels: int, global_context: bool = True):
        super().__init__()
        self.global_context = global_context
        self.tdnn = TdnnLayer(channels * 3 if global_context else channels, attention_channels, 1)
        self.attn = nn.Conv1d(attention_channels, channels, 1)
        self.eps = 1e-12

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.global_context:
            mean = x.mean(dim=2, keepdim=True)
            std = torch.sqrt(((x - mean) ** 2).mean(dim=2, keepdim=True).clamp(min=self.eps))
            ctx = torch.cat([x, mean.expand_as(x), std.expand_as(x)], dim=1)
        else:
            ctx = x
        w = torch.softmax(self.attn(torch.tanh(self.tdnn(ctx))), dim=2)
        mu = (w * x).sum(dim=2)
        sd = torch.sqrt(((w * (x - mu.unsqueeze(2)) ** 2).sum(dim=2)).clamp(min=self.eps))
        return torch.cat([mu, sd], dim=1)


class EcapaTdnn(nn.Module):
    # Names of the parts, bottom to top; used to freeze the lower part when fine-tuning.
    PARTS = ("front", "blocks.0", "blocks.1", "blocks.2", "mfa", "pool", "pool_bn", "head")

    def __init__(self, cfg: EcapaConfig | None = None):
        super().__init__()
        self.cfg = cfg = cfg or EcapaConfig()
        c = cfg.channels
        self.front = TdnnLayer(cfg.n_mels, c, 5, 1)
        self.blocks = nn.ModuleList(
            [SERes2Block(c, cfg.res2net_scale, cfg.se_channels, 3, d) for d in cfg.dilations]
        )
        self.mfa = TdnnLayer(c * len(cfg.dilations), cfg.mfa(), 1)
        self.pool = AttentiveStatsPool(cfg.mfa(), cfg.attention_channels, cfg.global_context)
        self.pool_bn = nn.BatchNorm1d(cfg.mfa() * 2)
        self.drop = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.mfa() * 2, cfg.embedding_dim)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        """feats [B, T, n_mels] -> embs [B, embedding_dim]."""
        x = self.front(feats.transpose(1, 2))
        outs = []
        for block in self.blocks:
            x = block(x)
            outs.append(x)
        x = self.mfa(torch.cat(outs, dim=1))
        return self.head(self.drop(self.pool_bn(self.pool(x))))

    def min_frames(self) -> int:
        """Smallest T the graph accepts: reflect padding needs pad < length at every dilated conv."""
        pads = [self.front.conv.pad] + [b.res2.convs[0].conv.pad for b in self.blocks]
        return max(pads) + 1


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def build(channels: int = 256, **kw) -> EcapaTdnn:
    return EcapaTdnn(EcapaConfig(channels=channels, **kw))

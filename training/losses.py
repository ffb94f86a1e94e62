"""Training objectives for the cry embedding.

- AAM-softmax (ArcFace, Deng et al. 2019; as in ECAPA-TDNN): classify infant identity with an additive angular
  margin m on the target logit, scale s.
- GE2E (Wan et al. 2018, softmax variant): batch = N infants x M cries; each embedding is scored against every
  infant centroid (its own centroid computed without itself), learnable scale w > 0 and bias b.
- NT-Xent (SimCLR, Chen et al. 2020): two augmented views of each cry; the other view is the positive, the other
  2N-2 embeddings of the batch are negatives; temperature tau. Uses no identity labels.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class AAMSoftmax(nn.Module):
    def __init__(self, embedding_dim: int, n_classes: int, margin: float = 0.2, scale: float = 30.0,
                 easy_margin: bool = False):
        super().__init__()
        self.margin, self.scale, self.easy_margin = margin, scale, easy_margin
        self.weight = nn.Parameter(torch.empty(n_classes, embedding_dim))
        nn.init.xavier_normal_(self.weight)

    def forward(self, emb: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        cos = F.linear(F.normalize(emb), F.normalize(self.weight)).clamp(-1 + 1e-7, 1 - 1e-7)
        sin = torch.sqrt(1.0 - cos * cos)
        cos_m = cos * math.cos(self.margin) - sin * math.sin(self.margin)  # cos(theta + m)
        if self.easy_margin:
            cos_m = torch.where(cos > 0, cos_m, cos)
        else:  # keep the target logit monotonic in theta beyond pi - m (as in ArcFace / SpeechBrain)
            th, mm = math.cos(math.pi - self.margin), math.sin(math.pi - self.margin) * self.margin
            cos_m = torch.where(cos > th, cos_m, cos - mm)
        onehot = F.one_hot(labels, cos.shape[1]).to(cos.dtype)
        logits = self.scale * (onehot * cos_m + (1 - onehot) * cos)
        loss = F.cross_entropy(logits, labels)
        acc = (cos.argmax(1) == labels).float().mean()
        return loss, acc


class GE2ELoss(nn.Module):
    def __init__(self, init_w: float = 10.0, init_b: float = -5.0):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(init_w))
        self.b = nn.Parameter(torch.tensor(init_b))

    def forward(self, emb: torch.Tensor, n_speakers: int, n_utts: int) -> tuple[torch.Tensor, torch.Tensor]:
        """emb [N*M, D] ordered speaker-major (all M cries of infant 0, then infant 1, ...)."""
        x = F.normalize(emb).view(n_speakers, n_utts, -1)
        centroids = F.normalize(x.mean(1), dim=-1)  # [N, D]
        # exclusive centroid of each utterance's own speaker
        excl = F.normalize((x.sum(1, keepdim=True) - x) / (n_utts - 1), dim=-1)  # [N, M, D]
        sim = torch.einsum("nmd,kd->nmk", x, centroids)  # [N, M, N]
        own = (x * excl).sum(-1)  # [N, M]
        eye = torch.eye(n_speakers, dtype=torch.bool, device=emb.device).unsqueeze(1).expand_as(sim)
        sim = torch.where(eye, own.unsqueeze(-1).expand_as(sim), sim)
        w = self.w.clamp(min=1e-6)
        logits = (w * sim + self.b).view(n_speakers * n_utts, n_speakers)
        labels = torch.arange(n_speakers, device=emb.device).repeat_interleave(n_utts)
        loss = F.cross_entropy(logits, labels)
        acc = (logits.argmax(1) == labels).float().mean()
        return loss, acc


class NTXentLoss(nn.Module):
    def __init__(self, temperature: float = 0.1):
        super().__init__()
        self.temperature = temperature

    def forward(self, z1: torch.Tensor, z2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """z1, z2 [N, D]: two views of the same N cries."""
        n = z1.shape[0]
        z = F.normalize(torch.cat([z1, z2]), dim=1)
        sim = z @ z.t() / self.temperature
        sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool, device=z.device), float("-inf"))
        targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)]).to(z.device)
        loss = F.cross_entropy(sim, targets)
        acc = (sim.argmax(1) == targets).float().mean()
        return loss, acc

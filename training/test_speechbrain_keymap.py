"""The SpeechBrain -> EcapaTdnn key mapping, tested without a download.

A minimal re-statement of SpeechBrain's ECAPA_TDNN module tree (speechbrain/lobes/models/ECAPA_TDNN.py:
TDNNBlock = Conv1d wrapper `.conv.conv` + BatchNorm1d wrapper `.norm.norm`, SERes2NetBlock with tdnn1 /
res2net_block / tdnn2 / se_block, mfa, asp, asp_bn, fc) gives a state_dict with SpeechBrain's key names and
shapes for C=1024; it must load into our model with strict=True, and with the same weights both forwards agree.

  /usr/bin/python3 training/test_speechbrain_keymap.py
"""
import sys
import tempfile
import unittest
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ecapa import EcapaConfig, EcapaTdnn  # noqa: E402
from speechbrain_keymap import convert_speechbrain_state_dict, load_speechbrain_checkpoint  # noqa: E402


# ---- SpeechBrain's module tree (names, shapes and forward), restated for the test -----------------------
class SBConv1d(nn.Module):
    def __init__(self, cin, cout, k, d=1):
        super().__init__()
        self.pad = d * (k - 1) // 2
        self.conv = nn.Conv1d(cin, cout, k, dilation=d)

    def forward(self, x):
        return self.conv(F.pad(x, (self.pad, self.pad), mode="reflect") if self.pad else x)


class SBBatchNorm1d(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.norm = nn.BatchNorm1d(n)

    def forward(self, x):
        return self.norm(x)


class TDNNBlock(nn.Module):
    def __init__(self, cin, cout, k, d):
        super().__init__()
        self.conv = SBConv1d(cin, cout, k, d)
        self.activation = nn.ReLU()
        self.norm = SBBatchNorm1d(cout)

    def forward(self, x):
        return self.norm(self.activation(self.conv(x)))


class Res2NetBlock(nn.Module):
    def __init__(self, c, scale, k, d):
        super().__init__()
        self.blocks = nn.ModuleList([TDNNBlock(c // scale, c // scale, k, d) for _ in range(scale - 1)])
        self.scale = scale

    def forward(self, x):
        y = []
        for i, x_i in enumerate(torch.chunk(x, self.scale, dim=1)):
            if i == 0:
                y_i = x_i
            elif i == 1:
                y_i = self.blocks[i - 1](x_i)
            else:
                y_i = self.blocks[i - 1](x_i + y_i)
            y.append(y_i)
        return torch.cat(y, dim=1)


class SEBlock(nn.Module):
    def __init__(self, c, se):
        super().__init__()
        self.conv1 = SBConv1d(c, se, 1)
        self.conv2 = SBConv1d(se, c, 1)

    def forward(self, x):
        s = x.mean(dim=2, keepdim=True)
        return torch.sigmoid(self.conv2(F.relu(self.conv1(s)))) * x


class SERes2NetBlock(nn.Module):
    def __init__(self, c, scale, se, k, d):
        super().__init__()
        self.tdnn1 = TDNNBlock(c, c, 1, 1)
        self.res2net_block = Res2NetBlock(c, scale, k, d)
        self.tdnn2 = TDNNBlock(c, c, 1, 1)
        self.se_block = SEBlock(c, se)

    def forward(self, x):
        return self.se_block(self.tdnn2(self.res2net_block(self.tdnn1(x)))) + x


class ASP(nn.Module):
    def __init__(self, c, att):
        super().__init__()
        self.tdnn = TDNNBlock(c * 3, att, 1, 1)
        self.tanh = nn.Tanh()
        self.conv = SBConv1d(att, c, 1)

    def forward(self, x):
        L = x.shape[-1]
        m = torch.ones(x.shape[0], 1, L) / L

        def stats(x, m):
            mean = (m * x).sum(2)
            std = torch.sqrt((m * (x - mean.unsqueeze(2)).pow(2)).sum(2).clamp(1e-12))
            return mean, std

        mean, std = stats(x, m)
        attn = torch.cat([x, mean.unsqueeze(2).repeat(1, 1, L), std.unsqueeze(2).repeat(1, 1, L)], dim=1)
        attn = F.softmax(self.conv(self.tanh(self.tdnn(attn))), dim=2)
        mean, std = stats(x, attn)
        return torch.cat((mean, std), dim=1).unsqueeze(2)


class SpeechBrainECAPA(nn.Module):
    def __init__(self, n_mels=80, channels=(1024, 1024, 1024, 1024, 3072), lin=192):
        super().__init__()
        self.blocks = nn.ModuleList([TDNNBlock(n_mels, channels[0], 5, 1)])
        for i, d in zip(range(1, 4), (2, 3, 4)):
            self.blocks.append(SERes2NetBlock(channels[i], 8, 128, 3, d))
        self.mfa = TDNNBlock(channels[-2] * 3, channels[-1], 1, 1)
        self.asp = ASP(channels[-1], 128)
        self.asp_bn = SBBatchNorm1d(channels[-1] * 2)
        self.fc = SBConv1d(channels[-1] * 2, lin, 1)

    def forward(self, x):
        x = x.transpose(1, 2)
        xl = []
        for layer in self.blocks:
            x = layer(x)
            xl.append(x)
        x = self.mfa(torch.cat(xl[1:], dim=1))
        x = self.fc(self.asp_bn(self.asp(x)))
        return x.transpose(1, 2)


class KeymapTest(unittest.TestCase):
    def test_speechbrain_c1024_loads_strict(self):
        torch.manual_seed(0)
        sb = SpeechBrainECAPA()
        sd = sb.state_dict()
        # a few keys exactly as they appear in spkrec-ecapa-voxceleb's embedding_model.ckpt
        for k in ("blocks.0.conv.conv.weight", "blocks.1.tdnn1.conv.conv.weight",
                  "blocks.3.res2net_block.blocks.6.norm.norm.running_var", "blocks.2.se_block.conv2.conv.bias",
                  "mfa.conv.conv.weight", "asp.tdnn.conv.conv.weight", "asp.conv.conv.weight",
                  "asp_bn.norm.running_mean", "fc.conv.weight"):
            self.assertIn(k, sd)
        self.assertEqual(tuple(sd["fc.conv.weight"].shape), (192, 6144, 1))
        self.assertEqual(tuple(sd["asp.tdnn.conv.conv.weight"].shape), (128, 9216, 1))
        ours = EcapaTdnn(EcapaConfig(channels=1024))
        res = ours.load_state_dict(convert_speechbrain_state_dict(sd), strict=True)
        self.assertEqual(list(res.missing_keys), [])
        self.assertEqual(list(res.unexpected_keys), [])

    def test_same_weights_same_embedding(self):
        torch.manual_seed(1)
        sb = SpeechBrainECAPA(channels=(256, 256, 256, 256, 768))  # narrow, for speed; same key scheme
        # non-trivial BatchNorm statistics so a mis-mapped buffer would show
        for m in sb.modules():
            if isinstance(m, nn.BatchNorm1d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.data.uniform_(0.5, 1.5)
                m.bias.data.uniform_(-0.2, 0.2)
        sb.eval()
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "embedding_model.ckpt"
            torch.save(sb.state_dict(), p)
            ours = EcapaTdnn(EcapaConfig(channels=256)).eval()
            load_speechbrain_checkpoint(ours, p)
        x = torch.randn(2, 150, 80)
        with torch.no_grad():
            a = sb(x).squeeze(1)
            b = ours(x)
        self.assertTrue(torch.allclose(a, b, atol=1e-4), (a - b).abs().max())

    def test_unknown_key_is_an_error(self):
        with self.assertRaises(KeyError):
            convert_speechbrain_state_dict({"blocks.0.bogus.weight": torch.zeros(1)})


if __name__ == "__main__":
    unittest.main(verbosity=2)

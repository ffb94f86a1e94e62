"""Self-test of the ECAPA-TDNN: sizes, shapes, dynamic length, the losses.

  /usr/bin/python3 training/test_ecapa.py      (or: cd training && /usr/bin/python3 -m unittest -v)
"""
import sys
import unittest
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ecapa import EcapaConfig, EcapaTdnn, build, count_parameters  # noqa: E402
from losses import AAMSoftmax, GE2ELoss, NTXentLoss  # noqa: E402


class EcapaTest(unittest.TestCase):
    def test_full_size_has_about_20_8M_parameters(self):
        n = count_parameters(build(1024))
        print(f"\nECAPA-TDNN C=1024: {n:,} parameters")
        self.assertAlmostEqual(n / 1e6, 20.8, delta=0.05)

    def test_shipped_widths(self):
        for c, lo, hi in ((256, 1.9e6, 2.2e6), (512, 6.0e6, 6.4e6)):
            n = count_parameters(build(c))
            print(f"ECAPA-TDNN C={c}: {n:,} parameters, {4 * n / 2**20:.1f} MiB float32")
            self.assertTrue(lo < n < hi)
            self.assertLess(4 * n, 30 * 2**20)

    def test_shapes_and_any_length(self):
        torch.manual_seed(0)
        m = build(256).eval()
        for t in (m.min_frames(), 37, 301):
            with torch.no_grad():
                y = m(torch.randn(3, t, 80))
            self.assertEqual(tuple(y.shape), (3, 192))
            self.assertTrue(torch.isfinite(y).all())

    def test_min_frames_is_tight(self):
        m = build(256).eval()
        self.assertEqual(m.min_frames(), 5)  # reflect pad 4 of the dilation-4 block needs T > 4
        with self.assertRaises(RuntimeError):
            with torch.no_grad():
                m(torch.randn(1, m.min_frames() - 1, 80))

    def test_batch_items_are_independent_in_eval(self):
        torch.manual_seed(1)
        m = build(256).eval()
        x = torch.randn(4, 120, 80)
        with torch.no_grad():
            a = m(x)
            b = torch.cat([m(x[i: i + 1]) for i in range(4)])
        self.assertTrue(torch.allclose(a, b, atol=1e-4))

    def test_dilations_and_structure(self):
        m = build(512)
        self.assertEqual([b.res2.convs[0].conv.conv.dilation[0] for b in m.blocks], [2, 3, 4])
        self.assertEqual(m.mfa.conv.conv.in_channels, 3 * 512)
        self.assertEqual(m.pool.tdnn.conv.conv.in_channels, 3 * 1536)  # global context: x, mean, std
        self.assertEqual(m.head.out_features, 192)


class LossTest(unittest.TestCase):
    def test_aam_margin_raises_loss(self):
        torch.manual_seed(0)
        e, y = torch.randn(8, 192), torch.randint(0, 5, (8,))
        a0 = AAMSoftmax(192, 5, margin=0.0, scale=30)
        a1 = AAMSoftmax(192, 5, margin=0.3, scale=30)
        a1.weight.data.copy_(a0.weight.data)
        self.assertGreater(a1(e, y)[0].item(), a0(e, y)[0].item())

    def test_ge2e_prefers_clustered(self):
        torch.manual_seed(0)
        centers = torch.randn(4, 1, 192) * 5
        tight = (centers + 0.1 * torch.randn(4, 3, 192)).reshape(12, 192)
        loose = torch.randn(12, 192)
        crit = GE2ELoss()
        self.assertLess(crit(tight, 4, 3)[0].item(), crit(loose, 4, 3)[0].item())

    def test_ntxent_prefers_matching_views(self):
        torch.manual_seed(0)
        z = torch.randn(16, 192)
        crit = NTXentLoss(0.1)
        self.assertLess(crit(z, z + 0.01 * torch.randn_like(z))[0].item(), crit(z, torch.randn(16, 192))[0].item())


if __name__ == "__main__":
    unittest.main(verbosity=2)

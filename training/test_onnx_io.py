"""ONNX export contract and the ONNX -> PyTorch weight round trip.

  /usr/bin/python3 training/test_onnx_io.py
"""
import sys
import tempfile
import unittest
from pathlib import Path

import onnx
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ecapa import build  # noqa: E402
from onnx_io import export_onnx, load_from_onnx, onnx_config  # noqa: E402


class OnnxIoTest(unittest.TestCase):
    def _roundtrip(self, model):
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "m.onnx"
            export_onnx(model, p)
            m = onnx.load(str(p))
            self.assertEqual([i.name for i in m.graph.input], ["feats"])
            self.assertEqual([o.name for o in m.graph.output], ["embs"])
            dims = [x.dim_param or x.dim_value for x in m.graph.input[0].type.tensor_type.shape.dim]
            self.assertEqual(dims, ["B", "T", 80])
            self.assertTrue(13 <= m.opset_import[0].version <= 17)
            self.assertEqual(onnx_config(p).channels, model.cfg.channels)
            back = load_from_onnx(p)
        x = torch.randn(2, 90, 80)
        with torch.no_grad():
            self.assertTrue(torch.equal(model.eval()(x), back(x)))

    def test_untrained_model_roundtrip(self):
        # identical BatchNorm tensors get merged by the exporter: the loader must still place them
        torch.manual_seed(0)
        self._roundtrip(build(128))

    def test_trained_like_model_roundtrip(self):
        torch.manual_seed(1)
        m = build(128)
        for mod in m.modules():
            if isinstance(mod, torch.nn.BatchNorm1d):
                mod.running_mean.uniform_(-0.5, 0.5)
                mod.running_var.uniform_(0.5, 2.0)
                mod.weight.data.uniform_(0.5, 1.5)
        self._roundtrip(m)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""Classifier results: confusion matrix, misclassified digits and texts, and their charts rendered for real."""

import numpy as np
import pandas as pd
import pytest
import torch
import vl_convert as vlc

from seqlab.analysis.classification import confusion_matrix, decode_tokens, misclassified, predictions
from seqlab.charts import classification as charts_text
from seqlab.config import DataConfig, ModelConfig
from seqlab.data import make_task
from seqlab.models.recurrent import build_model


class Fixed(torch.nn.Module):
    """A stand-in classifier whose outputs (logits) are given."""

    def __init__(self, logits: torch.Tensor):
        super().__init__()
        self.logits = logits

    def forward(self, x, targets=None):
        return self.logits[: len(x)], None


@pytest.fixture(scope="module", params=["rows", "pixels"])
def digits(request):
    return make_task(DataConfig(task="digits", reading=request.param))


def always(task, digit: int, part="test") -> Fixed:
    n = len(getattr(task, f"y_{part}"))
    logits = torch.zeros(n, 10)
    logits[:, digit] = 3.0
    return Fixed(logits)


def test_the_confusion_matrix_counts_every_pair_in_class_order(digits):
    cm = confusion_matrix(always(digits, 3), digits)
    assert list(cm.columns) == ["true", "predicted", "count"] and len(cm) == 100
    assert cm["count"].sum() == len(digits.y_test)
    assert list(cm["true"].unique()) == [str(d) for d in range(10)]
    per_true = cm[cm["predicted"] == "3"].set_index("true")["count"]
    expected = np.bincount(digits.y_test.numpy(), minlength=10)
    assert per_true.tolist() == expected.tolist() and cm[cm["predicted"] != "3"]["count"].eq(0).all()


def test_a_perfect_classifier_fills_the_diagonal_only(digits):
    logits = torch.nn.functional.one_hot(digits.y_val, 10).float() * 5
    cm = confusion_matrix(Fixed(logits), digits, "val")
    assert cm.query("true != predicted")["count"].sum() == 0
    assert cm.query("true == predicted")["count"].sum() == len(digits.y_val)


def test_misclassified_digits_come_as_8x8_images_with_labels(digits):
    wrong = misclassified(always(digits, 0), digits, limit=5)
    assert len(wrong) == 5 and (wrong["predicted"] == "0").all() and (wrong["true"] != "0").all()
    for _, ex in wrong.iterrows():
        expected = digits.x_test[ex["position"]].reshape(8, 8).numpy()
        assert ex["image"].shape == (8, 8) and np.array_equal(ex["image"], expected)
        assert ex["true"] == str(int(digits.y_test[ex["position"]]))


def test_the_most_confident_mistakes_come_first(digits):
    torch.manual_seed(0)
    model = build_model(ModelConfig(arch="gru", hidden_size=8), digits)
    wrong = misclassified(model, digits, limit=1000)
    assert wrong["confidence"].is_monotonic_decreasing
    assert len(wrong) == int((predictions(model, digits)["true"] != predictions(model, digits)["predicted"]).sum())


def test_changing_a_gallery_image_leaves_the_task_alone(digits):
    before = digits.x_test.clone()
    wrong = misclassified(always(digits, 0), digits, limit=3)
    wrong["image"][0][:] = -1
    assert torch.equal(digits.x_test, before)


def test_a_regression_task_is_refused(sine_task):
    with pytest.raises(ValueError, match="classification"):
        confusion_matrix(Fixed(torch.zeros(5, 1)), sine_task)


def test_misclassified_texts_are_decoded_without_padding():
    vocab = ("<pad>", "<unk>", "good", "film")
    assert decode_tokens([0, 0, 3, 2], vocab) == "film good"
    assert decode_tokens([0, 5, 6], ("<pad>", "<unk>", "a", "b", "c", "h", "i")) == "hi"


def test_confusion_chart_renders_with_the_classes_in_order(tmp_path):
    cm = pd.DataFrame([{"true": t, "predicted": p, "count": 5 if t == p else (t + p) % 3}
                       for t in range(10) for p in range(10)])
    spec = charts_text.confusion_chart(cm).to_dict()
    assert spec["layer"][0]["encoding"]["x"]["sort"] == [str(d) for d in range(10)]
    png = vlc.vegalite_to_png(spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_digit_gallery_renders_one_titled_tile_per_example(digits):
    wrong = misclassified(always(digits, 8), digits, limit=7)
    chart = charts_text.digit_gallery_chart(wrong)
    spec = chart.to_dict()
    titles = [tile["title"]["text"] for tile in spec["concat"]]  # two lines each, to fit three tiles on a phone
    assert len(titles) == 7 and titles[0] == [f"true {wrong['true'][0]}", "→ predicted 8"]
    svg = vlc.vegalite_to_svg(spec)
    assert svg.startswith("<svg") and svg.count(">→ predicted 8</tspan>") == 7


def test_an_empty_gallery_says_so():
    empty = pd.DataFrame(columns=["true", "predicted", "image"])
    assert "no misclassified" in vlc.vegalite_to_svg(charts_text.digit_gallery_chart(empty).to_dict())

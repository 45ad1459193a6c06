"""On the model zoo's two fine-tuning shapes (a keras.applications base, its
BatchNormalization frozen, in a Functional and in a subclassed model), trained with
fit and evaluated with evaluate and predict, the checker passes."""

import re

import tensorflow as tf
from models import (
    LOSS,
    MCDropout,
    PinnedUnit,
    build,
    make_batch,
)
from training_state_check import check_fit

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()


def check(name, builder=None):
    """fit-check a new zoo model; return "passes" or the layers named, by name."""
    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(0)
    model, (x, y) = build(name, builder), make_batch(name)
    model.compile(optimizer="sgd", loss=LOSS)
    inner = list(model._flatten_layers(include_self=False, recursive=True))
    pinned = [unit.bn for unit in inner if isinstance(unit, PinnedUnit)]
    mc = [layer for layer in inner if isinstance(layer, MCDropout)]
    try:
        check_fit(model, x, y, inference_only=pinned, always_active=mc)  # <-
    except AssertionError as error:
        named = re.findall(r"(\w+ step: \S+) \(", str(error))
        return "caught: " + ", ".join(sorted(set(named)))
    return "passes"


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
results = {
    name: check(name) for name in ("functional_fine_tuning", "subclass_fine_tuning")
}
for name, result in results.items():
    print(f"{name}: {result}")
assert all(result == "passes" for result in results.values()), results

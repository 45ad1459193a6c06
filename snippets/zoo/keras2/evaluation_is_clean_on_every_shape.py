"""model(x, training=False) and model.predict(x) evaluate every zoo shape cleanly: no
BatchNormalization update, no dropout, no augmentation (MC dropout stays on, as meant).
A bare model(x) is not clean on every shape."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import tensorflow as tf
from models import SHAPES, build, make_batch
from observe import record

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"


def ran_in_training_mode(facts):
    """The kinds of layer that trained: updated BN statistics, or random output."""
    return [k for k, values in facts.items() if any(values) and k != "MC dropout"]


print("what ran in training mode (MC dropout, on by design, not listed):")
print(f"{'shape':<23}{'training=False':>15}{'predict':>9}  bare model(x)")
unclean = {}
for name in SHAPES:
    model = build(name)
    x, _ = make_batch(name)
    explicit = ran_in_training_mode(record(model, lambda: model(x, training=False)))
    predict = ran_in_training_mode(record(model, lambda: model.predict(x, verbose=0)))
    bare = ran_in_training_mode(record(model, lambda: model(x)))  # <-
    cells = [", ".join(found) or "nothing" for found in (explicit, predict, bare)]
    print(f"{name:<23}{cells[0]:>15}{cells[1]:>9}  {cells[2]}")
    assert not explicit, f"{name}: model(x, training=False) should be clean"  # <-
    assert not predict, f"{name}: model.predict(x) should be clean"  # <-
    if bare:
        unclean[name] = bare
EXPECTED = {  # what a bare model(x) ran in training mode, per shape
    "Keras 3": {"image_augmented": ["BN", "augmentation"]},
    "Keras 2": {"image_augmented": ["augmentation"]},  # the BN behind it infers
}
print("a bare model(x) is not clean on:", ", ".join(unclean))
assert unclean == EXPECTED[flavour], unclean

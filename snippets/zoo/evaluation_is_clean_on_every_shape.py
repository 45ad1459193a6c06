"""model(x, training=False) and model.predict(x) evaluate every zoo shape cleanly: no
BatchNormalization update, no dropout, no augmentation (MC dropout stays on, as meant).
A bare model(x) is not clean on every shape."""

import tensorflow as tf
from models import SHAPES, build, make_batch, record

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # Keras 3 has keras.version()


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
    bare = ran_in_training_mode(record(model, lambda: model(x)))
    cells = [", ".join(found) or "nothing" for found in (explicit, predict, bare)]
    print(f"{name:<23}{cells[0]:>15}{cells[1]:>9}  {cells[2]}")
    assert not explicit, f"{name}: model(x, training=False) should be clean"
    assert not predict, f"{name}: model.predict(x) should be clean"
    if bare:
        unclean[name] = bare
print("a bare model(x) is not clean on:", ", ".join(unclean))
assert list(unclean) == ["image_augmented"], "the model with augmentation is hit"
assert "augmentation" in unclean["image_augmented"], "a bare call augments"
# Keras 3 only: the BN behind the augmentation layers trains in a bare call too
assert ("BN" in unclean["image_augmented"]) is not keras2, "BN trains on Keras 3 only"

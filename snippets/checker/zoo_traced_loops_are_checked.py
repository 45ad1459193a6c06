"""On every shape of the model zoo but the two fine-tuning ones, with tf.function
steps, the checker passes the correct loop and catches a train step that forgets
training=True, naming the layers; it also catches a bare model(x) evaluating the image
model. (zoo_traced_fine_tuning_is_checked.py proves the two fine-tuning shapes.)"""

# Long because: every zoo shape, each through a correct, a forgetful and a bare-eval
# loop, with the steps traced as tf.function, and the report's layers counted by class.

import collections
import re

import tensorflow as tf
from models import LOSS, SHAPES, MCDropout, PinnedUnit, build, make_batch
from training_state_check import check_training_state

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
TRACED = True  # the steps are tf.function: the checker runs them traced


def steps(model, forget=False, bare=False):
    """A GradientTape train step calling model(x, training=True), or model(x) if
    forget; an eval step calling model(x, training=False), or model(x) if bare."""
    optimizer = tf.keras.optimizers.SGD(0.01)

    def train_step(batch):
        x, y = batch
        with tf.GradientTape() as tape:
            logits = model(x) if forget else model(x, training=True)
            loss = LOSS(y, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))

    def eval_step(batch):
        return model(batch[0]) if bare else model(batch[0], training=False)

    if TRACED:
        return tf.function(train_step), tf.function(eval_step)
    return train_step, eval_step


def check(name, forget=False, bare=False):
    """Check a new zoo model; return "passes" or the kinds of the layers named."""
    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(0)
    model, batch = build(name), make_batch(name)
    inner = list(model._flatten_layers(include_self=False, recursive=True))
    pinned = [unit.bn for unit in inner if isinstance(unit, PinnedUnit)]
    mc = [layer for layer in inner if isinstance(layer, MCDropout)]
    train, evaluate = steps(model, forget, bare)
    try:
        check_training_state(model, train, evaluate, batch, pinned, mc)  # <-
    except AssertionError as error:
        named = set(re.findall(r"step: (\S+) \((\w+)", str(error)))  # name (kind
        names = {layer.name for layer in inner}
        assert named and all(n in names for n, _ in named), "it names model layers"
        kinds = collections.Counter(kind for _, kind in named)
        counts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        leaked = str(error).count("only through a `training` default leaked")
        return f"caught: {counts}" + (f"; {leaked} of them by a leak" if leaked else "")
    return "passes"


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("steps:", "tf.function" if TRACED else "eager")
# the fine-tuning shapes (a keras.applications base) cost as much as the other five
FINE_TUNING = ("functional_fine_tuning", "subclass_fine_tuning")
results = {}
for name in (name for name in SHAPES if name not in FINE_TUNING):
    results[name] = check(name), check(name, forget=True)
    print(f"{name}\n  right loop: {results[name][0]}")
    print(f"  train step model(x): {results[name][1]}")
assert all(right == "passes" for right, _ in results.values()), results
assert all(forgot.startswith("caught") for _, forgot in results.values()), results

# a bare model(x) to evaluate the image model, with augmentation in front, is caught
bare = check("image_augmented", bare=True)
print(f"image_augmented, eval step model(x): {bare}")
assert bare.startswith("caught"), "a bare eval call is caught behind augmentation"

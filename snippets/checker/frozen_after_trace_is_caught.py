"""A BatchNormalization frozen after its step was traced, or after fit compiled its
step, still updates in that step: the checker reports it updating; trace or compile
again and it passes."""

import numpy as np
import tensorflow as tf
from training_state_check import check_fit, check_training_state

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
rng = np.random.default_rng(0)
x = rng.normal(size=(16, 6)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")


def new_model():
    tf.keras.utils.set_random_seed(0)
    layers = tf.keras.layers
    bn = layers.BatchNormalization(name="bn")
    model = tf.keras.Sequential(
        [tf.keras.Input(shape=(6,)), layers.Dense(4), bn, layers.Dropout(0.5)]
    )
    model.compile(optimizer="sgd", loss="mse")
    return model, bn


def verdict(check):
    try:
        check()
    except AssertionError as error:
        return str(error).splitlines()[1].strip()
    return "passes"


model, bn = new_model()
steps = [
    tf.function(lambda b: model(b[0], training=True)),
    tf.function(lambda b: model(b[0], training=False)),
]
steps[0]((x, y))  # traced while bn is trainable
bn.trainable = False  # <- freeze it, and run the same traced step
traced = verdict(lambda: check_training_state(model, *steps, (x, y)))
new = [tf.function(step.python_function) for step in steps]  # <-
retraced = verdict(lambda: check_training_state(model, *new, (x, y)))

model, bn = new_model()
model.fit(x, y, batch_size=16, verbose=0)  # compiled while bn is trainable
bn.trainable = False  # <-
fitted = verdict(lambda: check_fit(model, x, y))
model.compile(optimizer="sgd", loss="mse")  # <- compile again
recompiled = verdict(lambda: check_fit(model, x, y))

print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
for name, result in [
    ("traced before freezing", traced),
    ("traced again", retraced),
    ("fit compiled before freezing", fitted),
    ("compiled again", recompiled),
]:
    print(f"{name}:\n  {result}")
for stale in (traced, fitted):
    assert stale.startswith("train step: bn (BatchNormalization, frozen) ran in train")
    assert "compile it again" in stale
assert retraced == recompiled == "passes"

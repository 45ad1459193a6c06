"""Keras 3 and Keras 2: fit and train_on_batch call the model with training=True;
evaluate, test_on_batch, predict and predict_on_batch with training=False;
a bare model(x) passes None."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(8, 4)).astype("float32")
y = rng.normal(size=(8, 1)).astype("float32")


received = set()  # every `training` value that reaches RecordTraining.call


class RecordTraining(tf.keras.layers.Layer):
    """Passes inputs through and records the `training` value Keras hands to `call`."""

    def call(self, inputs, training=None):
        received.add(training)
        return inputs


def fresh_model():
    # A new model per method: Keras traces each method's step function once
    # and reuses it.
    model = tf.keras.Sequential(
        [tf.keras.Input(shape=(4,)), RecordTraining(), tf.keras.layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    return model


methods = {
    "model.fit(x, y)": (lambda m: m.fit(x, y, epochs=1, verbose=0), True),
    "model.train_on_batch(x, y)": (lambda m: m.train_on_batch(x, y), True),
    "model.evaluate(x, y)": (lambda m: m.evaluate(x, y, verbose=0), False),
    "model.test_on_batch(x, y)": (lambda m: m.test_on_batch(x, y), False),
    "model.predict(x)": (lambda m: m.predict(x, verbose=0), False),
    "model.predict_on_batch(x)": (lambda m: m.predict_on_batch(x), False),
    "model(x)": (lambda m: m(x), None),
}
for name, (run, expected) in methods.items():
    model = fresh_model()
    received.clear()  # forget the call made while the model was being built
    run(model)
    print(f"{name:<27} passes training={', '.join(sorted(map(str, received)))}")
    assert received == {expected}, (name, received)

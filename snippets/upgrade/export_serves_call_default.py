"""model.export(path) serves a bare model(x): where the call default of Resizing or
RandomFlip stays with its layer, serving leaves the BatchNormalization after it idle."""

import contextlib
import io
import os
import tempfile

import numpy as np
import tensorflow as tf
from probes import declares_true

tf.keras.utils.set_random_seed(0)
layers = tf.keras.layers
images = np.random.default_rng(0).uniform(0, 255, (16, 16, 16, 3)).astype("float32")
fronts = {"Resizing": layers.Resizing(12, 12), "RandomFlip": layers.RandomFlip()}
seen = {}
with tempfile.TemporaryDirectory() as folder:
    for name, front in fronts.items():
        inputs = tf.keras.Input((16, 16, 3))
        h = layers.BatchNormalization()(layers.Conv2D(8, 3)(front(inputs)))
        model = tf.keras.Model(inputs, layers.GlobalAveragePooling2D()(h))
        inference = model(images, training=False).numpy()  # <-
        with contextlib.redirect_stdout(io.StringIO()):  # export prints a summary
            model.export(os.path.join(folder, name))  # <-
        served = tf.saved_model.load(os.path.join(folder, name))
        mean = next(v for v in served.variables if "moving_mean" in v.name)
        before = mean.numpy().copy()
        first, second = served.serve(images).numpy(), served.serve(images).numpy()  # <-
        trains = not np.array_equal(before, mean.numpy())
        matches = bool(np.allclose(first, inference, atol=1e-5))
        seen[name] = matches, not np.allclose(first, second), trains
        print(f"{name:<10} serves model(x, training=False): {matches!s:<5}", end=" ")
        print(f"augments: {seen[name][1]!s:<5} trains BN: {trains}")

local = not seen["RandomFlip"][2]  # does RandomFlip's training=True stay with it?
print("a built-in layer's call default stays with its layer:", local)
leaks = declares_true(fronts["Resizing"]) and not local  # Keras 3.3: no default
assert seen == {
    "Resizing": (not leaks, False, leaks),
    "RandomFlip": (False, True, not local),
}

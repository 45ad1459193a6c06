"""tf.saved_model.save(model, path): on Keras 2 the serving signature runs inference;
on Keras 3 it serves a bare model(x), or refuses a RandomFlip."""

import os
import shutil
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
layers = tf.keras.layers
images = np.random.default_rng(0).uniform(0, 255, (16, 16, 16, 3)).astype("float32")

FRONT = {  # the layer in front of the network, with its arguments
    "Rescaling": (layers.Rescaling, (1 / 255,)),
    "Resizing": (layers.Resizing, (12, 12)),
    "RandomFlip": (layers.RandomFlip, ("horizontal",)),
}


def image_model(front):
    inputs = tf.keras.Input((16, 16, 3))
    h = layers.Conv2D(8, 3, activation="relu")(front(inputs))
    h = layers.BatchNormalization()(h)
    h = layers.Dropout(0.5)(layers.GlobalAveragePooling2D()(h))
    return tf.keras.Model(inputs, layers.Dense(3)(h))


def serve_twice(path):
    """Call the serving signature twice; did that change BN's moving mean?"""
    loaded = tf.saved_model.load(path)
    serving = loaded.signatures["serving_default"]
    moving_mean = next(v for v in serving.variables if "moving_mean" in v.name)
    before = moving_mean.numpy().copy()
    outputs = [list(serving(tf.constant(images)).values())[0].numpy() for _ in "12"]
    return outputs, not np.array_equal(before, moving_mean.numpy())


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
seen = {}
folder = tempfile.mkdtemp()
try:
    for name, (layer_class, args) in FRONT.items():
        model = image_model(layer_class(*args))
        forward = tf.function(model)  # a training-mode trace before saving
        forward(images, training=True)  # flip-safe: the result does not depend on it
        expected = model(images, training=False).numpy()  # inference mode
        path = os.path.join(folder, name)
        try:
            tf.saved_model.save(model, path)
        except AssertionError:  # "untracked resource" (Keras 3, RandomFlip)
            seen[name] = "tf.saved_model.save raises AssertionError"
        else:
            (first, second), bn_trained = serve_twice(path)
            inference = bool(np.allclose(first, expected, atol=1e-5))
            seen[name] = (
                f"serves inference: {inference!s:<5} "
                f"BN trained by serving: {bn_trained}"
            )
        print(f"{name:<10} {seen[name]}")
finally:
    shutil.rmtree(folder)

fine = "serves inference: True  BN trained by serving: False"
assert seen["Rescaling"] == fine, "a model without such layers serves inference"
if keras2:
    assert seen["Resizing"] == seen["RandomFlip"] == fine, "Keras 2 serves inference"
else:
    assert seen["Resizing"] == "serves inference: False BN trained by serving: True"
    assert seen["RandomFlip"].endswith("raises AssertionError")

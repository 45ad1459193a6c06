"""What the export snippets share: a batch of images, a small image model behind a
chosen first layer, a quiet write, and a served endpoint called twice (imported by
them; it prints nothing)."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import contextlib
import io

import numpy as np
import tensorflow as tf

layers = tf.keras.layers
images = np.random.default_rng(0).uniform(0, 255, (16, 16, 16, 3)).astype("float32")
FRONT = {  # the layer in front of the network, made fresh for each model
    "Rescaling": lambda: layers.Rescaling(1 / 255),
    "Resizing": lambda: layers.Resizing(12, 12),
    "RandomFlip": lambda: layers.RandomFlip("horizontal"),
}


def image_model(*front):
    """front layers -> Conv2D -> BatchNormalization -> Dropout -> Dense."""
    inputs = h = tf.keras.Input((16, 16, 3))
    for layer in front:
        h = layer(h)
    h = layers.BatchNormalization()(layers.Conv2D(8, 3, activation="relu")(h))
    h = layers.Dropout(0.5)(layers.GlobalAveragePooling2D()(h))
    return tf.keras.Model(inputs, layers.Dense(3)(h))


def quietly(write, *args):
    """Call write(*args) without the summary it prints."""
    with contextlib.redirect_stdout(io.StringIO()):
        write(*args)


def serve_twice(endpoint, variables):
    """Call a loaded endpoint twice on the images: the two outputs, and whether that
    changed the BatchNormalization moving mean among the loaded `variables`."""
    moving_mean = next(v for v in variables if "moving_mean" in v.name)
    before = moving_mean.numpy().copy()
    outputs = [endpoint(tf.constant(images)) for _ in "12"]
    outputs = [next(iter(o.values())) if isinstance(o, dict) else o for o in outputs]
    trained = not np.array_equal(before, moving_mean.numpy())
    return outputs[0].numpy(), outputs[1].numpy(), trained

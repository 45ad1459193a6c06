"""Exporting a tf.function that calls model(x, training=False) serves inference on
both flavours, with preprocessing and augmentation layers in front."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import contextlib
import io
import os
import shutil
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
layers = tf.keras.layers
images = np.random.default_rng(0).uniform(0, 255, (16, 16, 16, 3)).astype("float32")


def export_for_inference(model, path):
    """Write a SavedModel whose "serve" endpoint runs the model in inference mode."""

    @tf.function(input_signature=[tf.TensorSpec((None, 16, 16, 3), tf.float32)])
    def serve(images):
        return model(images, training=False)

    archive = tf.keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", serve)
    with contextlib.redirect_stdout(io.StringIO()):  # write_out prints a summary
        archive.write_out(path)


def image_model():
    inputs = tf.keras.Input((16, 16, 3))
    h = layers.Resizing(12, 12)(inputs)
    h = layers.RandomRotation(0.1)(layers.RandomFlip("horizontal")(h))
    h = layers.Conv2D(8, 3, activation="relu")(layers.Rescaling(1 / 255)(h))
    h = layers.BatchNormalization()(h)
    h = layers.Dropout(0.5)(layers.GlobalAveragePooling2D()(h))
    return tf.keras.Model(inputs, layers.Dense(3)(h))


model = image_model()
expected = model(images, training=False).numpy()  # inference mode
folder = tempfile.mkdtemp()
try:
    export_for_inference(model, os.path.join(folder, "model"))
    served = tf.saved_model.load(os.path.join(folder, "model"))
    moving_mean = next(v for v in served.variables if "moving_mean" in v.name)
    before = moving_mean.numpy().copy()
    first, second = served.serve(images).numpy(), served.serve(images).numpy()
finally:
    shutil.rmtree(folder)

inference = bool(np.allclose(first, expected, atol=1e-5))
agree = bool(np.allclose(first, second))
bn_trained = not np.array_equal(before, moving_mean.numpy())
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("serves inference:", inference)
print("two calls agree:", agree)
print("BN trained by serving:", bn_trained)
assert inference and agree, "the endpoint should match model(x, training=False)"
assert not bn_trained, "serving should leave the BN moving statistics alone"

"""Exporting a tf.function that calls model(x, training=False) serves inference on
both flavours, with preprocessing and augmentation layers in front."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import os
import tempfile

import numpy as np
import tensorflow as tf
from image_models import image_model, images, layers, quietly, serve_twice

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"


def export_for_inference(model, path):
    """Write a SavedModel whose "serve" endpoint runs the model in inference mode."""

    @tf.function(input_signature=[tf.TensorSpec((None, 16, 16, 3), tf.float32)])  # <-
    def serve(images):
        return model(images, training=False)  # <-

    archive = tf.keras.export.ExportArchive()  # <-
    archive.track(model)
    archive.add_endpoint("serve", serve)  # <-
    quietly(archive.write_out, path)  # write_out prints a summary


model = image_model(
    layers.Resizing(12, 12),
    layers.RandomFlip("horizontal"),
    layers.RandomRotation(0.1),
    layers.Rescaling(1 / 255),
)
expected = model(images, training=False).numpy()  # inference mode
with tempfile.TemporaryDirectory() as folder:
    export_for_inference(model, os.path.join(folder, "model"))
    served = tf.saved_model.load(os.path.join(folder, "model"))
    first, second, bn_trained = serve_twice(served.serve, served.variables)

inference = bool(np.allclose(first, expected, atol=1e-5))
agree = bool(np.allclose(first, second))
print("tf.keras is", flavour)
print("serves inference:", inference)
print("two calls agree:", agree)
print("BN trained by serving:", bn_trained)
assert inference and agree, "the endpoint should match model(x, training=False)"
assert not bn_trained, "serving should leave the BN moving statistics alone"

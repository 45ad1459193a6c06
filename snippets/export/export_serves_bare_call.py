"""model.export(path) serves the model as a bare model(x): behind a RandomFlip the
endpoint augments, and on Keras 3 behind Resizing or RandomFlip it trains BN."""

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


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
seen = {}
folder = tempfile.mkdtemp()
try:
    for name, (layer_class, args) in FRONT.items():
        model = image_model(layer_class(*args))
        expected = model(images, training=False).numpy()  # inference mode

        path = os.path.join(folder, name)
        with contextlib.redirect_stdout(io.StringIO()):  # export prints a summary
            model.export(path)
        served = tf.saved_model.load(path)
        moving_mean = next(v for v in served.variables if "moving_mean" in v.name)
        before = moving_mean.numpy().copy()
        first, second = served.serve(images).numpy(), served.serve(images).numpy()
        inference = bool(np.allclose(first, expected, atol=1e-5))
        agree = bool(np.allclose(first, second))
        bn_trained = not np.array_equal(before, moving_mean.numpy())
        seen[name] = inference, agree, bn_trained
        print(
            f"{name:<10} serves inference: {inference!s:<5} two calls agree: "
            f"{agree!s:<5} BN trained by serving: {bn_trained}"
        )
finally:
    shutil.rmtree(folder)

for name, (inference, agree, bn_trained) in seen.items():
    if name == "Rescaling":  # no `training` argument: nothing changes
        assert inference and agree and not bn_trained, "a plain model serves inference"
    elif name == "RandomFlip":
        assert not agree, "the exported endpoint flips images at random, as model(x)"
    if name != "Rescaling":
        assert bn_trained == (not keras2), "Keras 3 only: serving trains BN"
        assert inference == (keras2 and name == "Resizing"), "not inference mode"

"""model.export(path) serves the model as a bare model(x): behind a RandomFlip the
endpoint augments, and on Keras 3 behind Resizing or RandomFlip it trains BN."""

import os
import tempfile

import numpy as np
import tensorflow as tf
from image_models import FRONT, image_model, images, quietly, serve_twice

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
print("tf.keras is", flavour)
seen = {}
with tempfile.TemporaryDirectory() as folder:
    for name, front in FRONT.items():
        model = image_model(front())
        expected = model(images, training=False).numpy()  # inference mode
        quietly(model.export, os.path.join(folder, name))  # <- export prints a summary
        served = tf.saved_model.load(os.path.join(folder, name))
        first, second, bn_trained = serve_twice(served.serve, served.variables)  # <-
        inference = bool(np.allclose(first, expected, atol=1e-5))
        agree = bool(np.allclose(first, second))
        seen[name] = inference, agree, bn_trained
        print(
            f"{name:<10} serves inference: {inference!s:<5} two calls agree: "
            f"{agree!s:<5} BN trained by serving: {bn_trained}"
        )
EXPECTED = {  # layer in front: (serves inference, two calls agree, BN trained)
    "Keras 3": {
        "Rescaling": (True, True, False),  # no `training` argument: nothing changes
        "Resizing": (False, True, True),
        "RandomFlip": (False, False, True),  # flips at random, as model(x)
    },
    "Keras 2": {
        "Rescaling": (True, True, False),
        "Resizing": (True, True, False),
        "RandomFlip": (False, False, False),
    },
}
assert seen == EXPECTED[flavour], seen

"""tf.saved_model.save(model, path): on Keras 2 the serving signature runs inference;
on Keras 3 it serves a bare model(x), or refuses a RandomFlip."""

import os
import tempfile

import numpy as np
import tensorflow as tf
from image_models import FRONT, image_model, images, serve_twice

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
print("tf.keras is", flavour)
seen = {}
with tempfile.TemporaryDirectory() as folder:
    for name, front in FRONT.items():
        model = image_model(front())
        forward = tf.function(model)  # <- a training-mode trace before saving
        forward(images, training=True)  # flip-safe: the result does not depend on it
        expected = model(images, training=False).numpy()  # inference mode
        path = os.path.join(folder, name)
        try:
            tf.saved_model.save(model, path)  # <-
        except AssertionError:  # "untracked resource" (Keras 3, RandomFlip)
            seen[name] = "tf.saved_model.save raises AssertionError"
        else:
            loaded = tf.saved_model.load(path)
            serving = loaded.signatures["serving_default"]  # <-
            first, _, bn_trained = serve_twice(serving, serving.variables)
            inference = bool(np.allclose(first, expected, atol=1e-5))
            seen[name] = (
                f"serves inference: {inference!s:<5} "
                f"BN trained by serving: {bn_trained}"
            )
        print(f"{name:<10} {seen[name]}")
FINE = "serves inference: True  BN trained by serving: False"
EXPECTED = {
    "Keras 3": {
        "Rescaling": FINE,  # a model without such layers serves inference
        "Resizing": "serves inference: False BN trained by serving: True",
        "RandomFlip": "tf.saved_model.save raises AssertionError",
    },
    "Keras 2": {"Rescaling": FINE, "Resizing": FINE, "RandomFlip": FINE},
}
assert seen == EXPECTED[flavour], seen

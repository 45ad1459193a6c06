"""The built-in layers whose `call` declares training=True: on Keras 3 the image
preprocessing and augmentation layers, on Keras 2 only the Random* layers."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import inspect
import textwrap

import tensorflow as tf

flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers


def call_default(layer_class):
    """The default of `training` in the layer's call signature ("absent" if none)."""
    param = inspect.signature(layer_class.call).parameters.get("training")  # <-
    return "absent" if param is None else param.default


classes = [getattr(layers, name) for name in sorted(dir(layers))]
classes = [c for c in classes if isinstance(c, type) and issubclass(c, layers.Layer)]
true_by_default = [c.__name__ for c in classes if call_default(c) is True]  # <-
print("tf.keras is", flavour)
print(f"layers whose call declares training=True: {len(true_by_default)}")
print(textwrap.fill(", ".join(true_by_default), width=80))
for name in ("Resizing", "CenterCrop", "Rescaling", "BatchNormalization", "Dropout"):
    print(f"{name}.call default for training: {call_default(getattr(layers, name))}")

random_layers = [name for name in dir(layers) if name.startswith("Random")]
assert set(random_layers) <= set(true_by_default), "Random* layers default to True"
assert call_default(layers.Rescaling) == "absent", "Rescaling takes no `training`"
assert call_default(layers.BatchNormalization) is None
names = ("Resizing", "CenterCrop", "Dropout")
seen = (
    set(true_by_default) == set(random_layers),
    *(call_default(getattr(layers, n)) for n in names),
)
EXPECTED = {  # only the Random* layers default to True; Resizing, CenterCrop, Dropout
    "Keras 3": (False, True, True, False),
    "Keras 2": (True, "absent", "absent", None),
}
assert seen == EXPECTED[flavour], seen

"""Plain `import tensorflow` gives Keras 3 as tf.keras; tf_keras (Keras 2) is
installed beside it, unused."""

import importlib.metadata
import os

import keras
import tensorflow as tf

assert "TF_USE_LEGACY_KERAS" not in os.environ, (
    "this snippet checks the default flavour"
)
assert tf.keras.__version__.startswith("3."), (  # <-
    f"tf.keras is Keras {tf.keras.__version__}, not Keras 3"
)
# tf.keras is the `keras` package (whichever distribution installed it)
assert tf.keras.__version__ == keras.__version__  # <-

print("TensorFlow", tf.__version__)
print("Keras", tf.keras.__version__)
# Read from metadata: importing tf_keras is not needed.
print("tf_keras", importlib.metadata.version("tf-keras"))

"""With TF_USE_LEGACY_KERAS=1, tf.keras is Keras 2 but `import keras` is still Keras 3:
its layers raise TypeError in a tf.keras Sequential model, make fit raise in a subclass,
and in a Functional model are frozen in inference mode, without an error."""

# Long because: it tries Keras 3 layers in all three tf.keras model styles, and the
# Functional case needs the same model built from tf.keras.layers beside it to show that
# the mixed one never trains.

import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # <- before importing TF: tf.keras is Keras 2

import keras
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32") + 3.0
y = np.zeros((16, 4), "float32")
print(f"tf.keras has version(): {hasattr(tf.keras, 'version')}")  # Keras 3 only
print(f"import keras gives Keras {keras.version().split('.')[0]}")
assert not hasattr(tf.keras, "version") and keras.version().startswith("3.")


def attempt(what, run):
    try:
        run()
        outcome = "no error"
    except (TypeError, AttributeError) as error:
        outcome = type(error).__name__
    print(f"{what:<47} {outcome}")
    return outcome


class Subclass(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(4)  # <- a Keras 3 layer in a Keras 2 model

    def call(self, inputs):
        return self.dense(inputs)


def fit_subclass():
    model = Subclass()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, verbose=0)


sequential = attempt(
    "tf.keras.Sequential([..., keras.layers.Dense])",
    lambda: tf.keras.Sequential([tf.keras.Input((4,)), keras.layers.Dense(4)]),  # <-
)
subclass = attempt("fit of a tf.keras.Model holding keras.layers", fit_subclass)
assert (sequential, subclass) == ("TypeError", "AttributeError")


def functional(layers):
    """Dense -> BatchNormalization -> Dropout from `layers`, in a tf.keras Functional
    model; after one fit: (kernel changed, BN moving statistics updated, dropped)."""
    dense, bn = layers.Dense(4), layers.BatchNormalization()
    inputs = tf.keras.Input((4,))
    model = tf.keras.Model(inputs, layers.Dropout(0.5)(bn(dense(inputs))))
    kernel, mean = dense.kernel.numpy().copy(), bn.moving_mean.numpy().copy()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=16, verbose=0)
    dropped = bool(np.any(model(x, training=True).numpy() == 0.0))
    return (
        not np.array_equal(kernel, dense.kernel.numpy()),
        not np.array_equal(mean, bn.moving_mean.numpy()),
        dropped,
    )


mixed, right = functional(keras.layers), functional(tf.keras.layers)  # <-
print(f"Functional, keras.layers:    trained, BN updated, dropped: {mixed}")
print(f"Functional, tf.keras.layers: trained, BN updated, dropped: {right}")
assert mixed == (False, False, False) and right == (True, True, True)

"""After unfreezing a base, compile again with a new optimizer: the optimizer instance
of the first compile was built for the head's variables only, and compiling again
with it, or using it in a new tf.function, raises on its first step (Keras 3:
ValueError, Keras 2: KeyError)."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
y = np.zeros((16, 1), "float32")


def head_trained_base_unfrozen(optimizer):
    """Train the head with the base frozen, then unfreeze the base (not its BN)."""
    base = tf.keras.Sequential([layers.Input((4,)), layers.Dense(8)])
    base.add(layers.BatchNormalization())
    model = tf.keras.Sequential([base, layers.Dense(1)])
    base.trainable = False
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, verbose=0)
    base.trainable = True
    base.layers[-1].trainable = False  # its BatchNormalization stays frozen
    return model, base.layers[0].kernel


def fit_again(model, optimizer):
    model.compile(optimizer=optimizer, loss="mse")  # <- compile again
    model.fit(x, y, verbose=0)


def new_step(model, optimizer):  # your own loop: a new tf.function
    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            pred = model(xb, training=True)  # flip-safe: a Dense and a frozen BN
            loss = tf.reduce_mean(tf.square(pred - yb))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    step(x, y)


print("tf.keras is", flavour)
seen = {}
for again in (fit_again, new_step):
    for which in ("the same optimizer", "a new optimizer"):
        first = tf.keras.optimizers.SGD(learning_rate=0.1)
        model, kernel = head_trained_base_unfrozen(first)
        before = kernel.numpy().copy()
        second = (
            first if which == "the same optimizer" else tf.keras.optimizers.SGD(0.1)
        )
        try:
            again(model, second)  # <-
            result = f"trains the base: {not np.allclose(before, kernel.numpy())}"
        except Exception as error:  # which error depends on the release
            result = f"raises {type(error).__name__}"
        print(f"{again.__name__:<9} with {which:<18}: {result}")
        seen[again.__name__, which] = result
RAISES = {"Keras 3": "raises ValueError", "Keras 2": "raises KeyError"}[flavour]
TRAINS = "trains the base: True"
EXPECTED = {  # each way of starting again, with each optimizer
    ("fit_again", "the same optimizer"): RAISES,
    ("fit_again", "a new optimizer"): TRAINS,
    ("new_step", "the same optimizer"): RAISES,
    ("new_step", "a new optimizer"): TRAINS,
}
assert seen == EXPECTED, seen

"""Keras 3: fit calls a subclass whose call has no training parameter bare, so the
recurrent dropout of the LSTM inside it is never applied while it trains; passing
training on applies it (Keras 2: fit applies it in both)."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
rng = np.random.default_rng(0)
x = rng.normal(size=(32, 10, 4)).astype("float32")  # 32 sequences of 10 steps
y = rng.normal(size=(32, 1)).astype("float32")


class NoTraining(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.lstm = tf.keras.layers.LSTM(8, recurrent_dropout=0.5)  # <-
        self.head = tf.keras.layers.Dense(1)

    def call(self, inputs):  # <- no training parameter
        return self.head(self.lstm(inputs))


class PassesTraining(NoTraining):
    def call(self, inputs, training=None):  # the subclass rule
        return self.head(self.lstm(inputs, training=training))


def idle_loss(model):
    """The loss with the LSTM in inference mode: no recurrent dropout."""
    idle = model.head(model.lstm(x, training=False)).numpy()
    return float(np.mean((idle - y) ** 2))


print("tf.keras is", flavour)
seen = {}
for model in (NoTraining(), PassesTraining()):
    # learning rate 0: fit runs its training step but leaves the weights as they are,
    # so the loss it reports can be compared with the loss of each mode afterwards
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    fit_loss = model.fit(x, y, batch_size=32, verbose=0).history["loss"][0]  # <-
    reference = idle_loss(model)
    applied = not np.isclose(fit_loss, reference, rtol=1e-4)
    steady = reference == idle_loss(model)  # inference mode: the same loss each time
    name = type(model).__name__
    print(f"{name:<15} fit applied the recurrent dropout: {applied}")
    seen[name] = applied, steady
EXPECTED = {  # (recurrent dropout applied under fit, the reference loss is steady)
    "Keras 3": {"NoTraining": (False, True), "PassesTraining": (True, True)},
    "Keras 2": {"NoTraining": (True, True), "PassesTraining": (True, True)},
}
assert seen == EXPECTED[flavour], seen

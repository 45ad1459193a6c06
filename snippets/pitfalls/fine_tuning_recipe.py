"""The fine-tuning recipe: call the base without a `training` value written at build
time, unfreeze it, set its BatchNormalization layers `trainable=False` and compile
again: through `fit` and a new traced step, in a Functional and a subclassed wrapper,
the base's weights train, its moving statistics stay put, the head drops about half."""

# Long because: it runs the whole recipe (freeze, train the head, unfreeze, refreeze
# BatchNormalization, compile again) in both wrappers and through both fit and a traced
# step, and checks the three facts it promises in each of the four cases.

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
layers = tf.keras.layers
rng = np.random.default_rng(0)
x = rng.normal(loc=3.0, size=(64, 8)).astype("float32")
y = rng.normal(size=(64, 1)).astype("float32")


class Watch(layers.Layer):
    """Passes its input on and keeps the share of zeros in it (inside a graph too)."""

    def build(self, input_shape):
        self.zeros = self.add_weight(shape=(), initializer="zeros", trainable=False)

    def call(self, h):
        self.zeros.assign(tf.reduce_mean(tf.cast(tf.equal(h, 0.0), "float32")))
        return h


def pretrained_base():  # stands in for keras.applications (the zoo uses MobileNetV3)
    bn = layers.BatchNormalization()
    return tf.keras.Sequential([tf.keras.Input(shape=(8,)), layers.Dense(16), bn])


def functional(base, watch):
    inputs = tf.keras.Input(shape=(8,))
    h = base(inputs)  # <- no training=False written here
    return tf.keras.Model(inputs, layers.Dense(1)(watch(layers.Dropout(0.5)(h))))


class Wrapper(tf.keras.Model):  # the subclassed wrapper follows the subclass rule
    def __init__(self, base, watch):
        super().__init__()
        self.base, self.drop, self.watch = base, layers.Dropout(0.5), watch
        self.head = layers.Dense(1)

    def call(self, x, training=None):
        h = self.drop(self.base(x, training=training), training=training)
        return self.head(self.watch(h))


def fine_tune(wrap, step):
    base, watch = pretrained_base(), Watch()
    model = wrap(base, watch)
    base.trainable = False  # 1. train the new head on the frozen base
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, verbose=0)
    base.trainable = True  # <- 2. fine-tune: unfreeze the base...
    for layer in base.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False  # <- ...but keep its BatchNormalization frozen
    model.compile(optimizer="sgd", loss="mse")  # <- compile again after `trainable`
    kernel, bn = base.layers[0].kernel.numpy().copy(), base.layers[1]
    mean = bn.moving_mean.numpy().copy()
    if step == "fit":
        model.fit(x, y, verbose=0)
    else:  # your own step: a new tf.function, traced after the change

        @tf.function
        def train_step():
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
            grads = tape.gradient(loss, model.trainable_variables)
            model.optimizer.apply_gradients(zip(grads, model.trainable_variables))

        train_step()
    share = float(watch.zeros.numpy())
    drops = "about half" if 0.35 < share < 0.65 else "nothing" if share == 0 else share
    trained = not np.allclose(kernel, base.layers[0].kernel.numpy())
    return trained, np.allclose(mean, bn.moving_mean.numpy()), drops


print(f"{'wrapper':<12}{'step':<17}{'base trains':>12}{'BN kept':>8}{'head drops':>12}")
for name, wrap in (("Functional", functional), ("subclassed", Wrapper)):
    for step in ("fit", "tf.function"):
        trained, kept, drops = fine_tune(wrap, step)
        print(f"{name:<12}{step:<17}{trained!s:>12}{kept!s:>8}{drops:>12}")
        assert (trained, kept, drops) == (True, True, "about half"), name

"""A team's tests, as they would write them: the `training_state` fixture comes from
the installed package's pytest plugin (nothing imports it here)."""

import numpy as np
import tensorflow as tf

BATCH = (
    np.random.default_rng(0).normal(size=(32, 6)).astype("float32"),
    np.zeros((32, 1), "float32"),
)


def build_model(middle=None):
    tf.keras.utils.set_random_seed(0)
    middle = middle or [
        tf.keras.layers.BatchNormalization(name="bn"),
        tf.keras.layers.Dropout(0.3, name="drop"),
    ]
    return tf.keras.Sequential(
        [tf.keras.Input(shape=(6,)), tf.keras.layers.Dense(8), *middle]
        + [tf.keras.layers.Dense(1)]
    )


def steps(model, training):
    optimizer = tf.keras.optimizers.SGD(0.01)

    @tf.function
    def train_step(data):
        x, y = data
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=training) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))

    @tf.function
    def eval_step(data):
        return model(data[0], training=False)

    return train_step, eval_step


class Noise(tf.keras.layers.Layer):
    def call(self, x, **kwargs):  # no `training` parameter: Keras 3 never passes it
        return x + tf.random.normal(tf.shape(x)) if kwargs.get("training") else x


def test_right_loop(training_state):
    model = build_model()
    training_state.check(model, *steps(model, training=True), BATCH)


def test_forgetful_loop(training_state):
    model = build_model()
    training_state.check(model, *steps(model, training=False), BATCH)


def test_kwargs_layer(training_state):
    model = build_model([Noise(name="noise")])
    training_state.check(model, *steps(model, training=True), BATCH)


def test_fit(training_state):
    model = build_model()
    model.compile(optimizer="sgd", loss="mse")
    training_state.check_fit(model, *BATCH)

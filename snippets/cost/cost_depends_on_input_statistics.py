"""Forgetting training=True costs accuracy when BatchNormalization's inputs sit far from
the mean 0 / variance 1 its moving statistics are left at (uncentred features), and
almost nothing when they sit close (standardised features)."""

# Long because: it trains the same model four times (with and without training=True, on
# raw and on standardised inputs) and measures BatchNormalization's input statistics,
# which is what it takes to show when forgetting costs and why.

import numpy as np
import tensorflow as tf

# 8 features far from zero (centres 20..60, spreads 2..10). The label depends on the
# signs of the centred features, so the network must find the centre of the data.
rng = np.random.default_rng(0)
centre, spread = rng.uniform(20, 60, size=8), rng.uniform(2, 10, size=8)


def make_data(n):
    z = rng.normal(size=(n, 8))
    labels = (z[:, 0] * z[:, 1] + z[:, 2] * z[:, 3] > 0).astype("int32")
    return (centre + spread * z).astype("float32"), labels


x_train, y_train = make_data(2048)
x_test, y_test = make_data(1024)
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
settings = {  # the same data, raw, and standardised with the training set's statistics
    "uncentred": (x_train, x_test),
    "standardised": ((x_train - mean) / std, (x_test - mean) / std),  # <-
}
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def train(x_train, say_training):
    tf.keras.utils.set_random_seed(0)  # same initial weights and batches in every run
    model = tf.keras.Sequential(
        [
            tf.keras.Input((8,)),
            tf.keras.layers.Dense(64),
            # the default momentum, 0.99, lags in a short run
            tf.keras.layers.BatchNormalization(momentum=0.9),
            tf.keras.layers.ReLU(),
            tf.keras.layers.Dropout(0.2),
            tf.keras.layers.Dense(2),
        ]
    )
    optimizer = tf.keras.optimizers.Adam(1e-3)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            if say_training:
                logits = model(x, training=True)  # <-
            else:
                logits = model(x)  # <- forgotten: BN and Dropout run in inference mode
            loss = loss_fn(y, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))

    batches = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    batches = batches.shuffle(2048, seed=0).batch(64)
    for _ in range(20):  # 20 epochs of 32 steps
        for x, y in batches:
            train_step(x, y)
    return model


def accuracy(model, x_test):
    before = model.layers[1].moving_mean.numpy().copy()
    logits = model(x_test, training=False)  # <- evaluate every run the same way
    after = model.layers[1].moving_mean.numpy()
    assert np.array_equal(before, after), "evaluation should leave BN's stats alone"
    return float(np.mean(np.argmax(logits, axis=1) == y_test))


def bins(value, low, high):
    """A coarse bin, its edges far from the value, so every machine prints the same."""
    if value < low:
        return f"below {low}"
    return f"above {high}" if value > high else f"between {low} and {high}"


for name, (x_tr, x_te) in settings.items():
    right, forgot = train(x_tr, True), train(x_tr, False)
    # the real statistics of BN's input, as the right run's moving statistics learned
    learned, stuck = right.layers[1], forgot.layers[1]
    bn_mean, bn_var = learned.moving_mean.numpy(), learned.moving_variance.numpy()
    offset = float(np.mean(np.abs(bn_mean) / np.sqrt(bn_var)))  # in standard deviations
    variance = float(np.mean(bn_var))
    kept = bool(
        np.all(stuck.moving_mean.numpy() == 0.0)
        and np.all(stuck.moving_variance.numpy() == 1.0)
    )
    acc_right, acc_forgot = accuracy(right, x_te), accuracy(forgot, x_te)
    cost = acc_right - acc_forgot
    print(f"{name} inputs")
    print(f"  BN input mean, in its standard deviations from 0: {bins(offset, 0.5, 2)}")
    print(f"  BN input variance: {bins(variance, 0.5, 4)}")
    print(f"  test accuracy, trained with training=True: {bins(acc_right, 0.7, 0.85)}")
    print(f"  test accuracy, trained with model(x):      {bins(acc_forgot, 0.7, 0.85)}")
    print(f"  forgetful run's BN moving statistics still 0 / 1: {kept}")
    print(f"  accuracy difference, the two runs: {bins(abs(cost), 0.05, 0.2)}")
    assert kept, "without training=True, BN's moving statistics should never move"
    assert acc_right > 0.85, "the run with training=True should learn the problem"
    if name == "uncentred":
        assert offset > 2 and cost > 0.2, "far from 0 / 1, forgetting should cost"
    else:
        assert offset < 0.5 and abs(cost) < 0.05, "close to 0 / 1, it should not"

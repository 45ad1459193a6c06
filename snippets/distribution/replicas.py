"""Two logical CPUs made from one physical CPU, and a MirroredStrategy over them:
two replicas on any machine, to see what each replica does."""

import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]  # before anything touches devices
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration()] * 2
)
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def distribute(x):
    """The global batch x as one shard per replica: the first half goes to replica 0."""
    dataset = tf.data.Dataset.from_tensor_slices(x).batch(len(x))
    return next(iter(strategy.experimental_distribute_dataset(dataset)))


def local(value):
    """One numpy array per replica: of a result of strategy.run, or of a variable."""
    if not isinstance(value, tf.distribute.DistributedValues):
        value = value.value  # a Keras 3 variable wraps the distributed tf.Variable
    return [v.numpy() for v in strategy.experimental_local_results(value)]


def recorder(shape):
    """A pass-through layer, and a function reading what each replica last passed on."""
    with strategy.scope():
        seen = tf.Variable(
            tf.zeros(shape),
            trainable=False,
            synchronization=tf.VariableSynchronization.ON_READ,  # one copy a replica
            aggregation=tf.VariableAggregation.SUM,
        )

    class Record(tf.keras.layers.Layer):
        def call(self, x):
            seen.assign(x)
            return x

    return Record(), lambda: local(seen)


if __name__ == "__main__":
    rows = [len(shard) for shard in local(distribute(np.arange(8.0)))]
    print("replicas:", strategy.num_replicas_in_sync)
    print("rows per replica:", rows)
    assert strategy.num_replicas_in_sync == 2 and rows == [4, 4]

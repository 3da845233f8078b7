package io.pushgate.node;

import com.typesafe.config.Config;

/**
 * {@link NodeRestartIT} on a real Cassandra node started by the project's launcher: a QoS 1 message
 * and a QoS 1 broadcast accepted with 202 survive a full stop and start of the node, and an acked
 * one does not come back; the node creates its keyspace and tables at the first start.
 */
class CassandraNodeRestartIT extends NodeRestartIT {

  private static final String KEYSPACE = "restart_" + Long.toHexString(System.nanoTime());

  @Override
  Config storage() throws Exception {
    return TestCassandra.oneNode(KEYSPACE).withFallback(super.storage());
  }
}

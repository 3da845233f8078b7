package io.pushgate.node;

import com.typesafe.config.Config;

/**
 * {@link PacedSendsIT} on a real Cassandra node: the paced-send queue (an event-sourced entity of
 * its own) drains at the app's rate and recovers its accepted recipients after a node restart.
 */
class CassandraPacedSendsIT extends PacedSendsIT {

  private static final String KEYSPACE = "paced_" + Long.toHexString(System.nanoTime());

  @Override
  Config storage() throws Exception {
    TestCassandra.ensureNodes(1);
    return TestCassandra.nodeConfig(KEYSPACE, 1, 1).withFallback(super.storage());
  }
}

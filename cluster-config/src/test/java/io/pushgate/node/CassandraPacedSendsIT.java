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
    return TestCassandra.oneNode(KEYSPACE).withFallback(super.storage());
  }
}

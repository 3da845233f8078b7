package io.pushgate.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.pushgate.persistence.JournalStore;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * How this node takes part in the cluster, from {@code pushgate.cluster} (cluster.conf): the seed
 * nodes and the roles, given as comma-separated lists so that they can come from environment
 * variables ({@code PUSHGATE_SEED_NODES}, {@code PUSHGATE_ROLES}).
 *
 * @param seedNodes empty: the node forms a single-node cluster by joining itself
 * @param roles {@link #ROLE_SESSION}: hosts session entities; {@link #ROLE_GATEWAY}: serves client
 *     connections and the backend API. Default both.
 */
public record ClusterSettings(List<String> seedNodes, Set<String> roles) {

  public static final String ROLE_SESSION = "session";
  public static final String ROLE_GATEWAY = "gateway";
  private static final Set<String> KNOWN_ROLES = Set.of(ROLE_SESSION, ROLE_GATEWAY);

  public ClusterSettings {
    seedNodes = List.copyOf(seedNodes);
    roles = Set.copyOf(roles);
    if (roles.isEmpty())
      throw new IllegalArgumentException("pushgate.cluster.roles must not be empty");
    for (String role : roles) {
      if (!KNOWN_ROLES.contains(role)) {
        throw new IllegalArgumentException(
            "unknown role '" + role + "' in pushgate.cluster.roles; known: " + KNOWN_ROLES);
      }
    }
  }

  public static ClusterSettings fromConfig(Config config) {
    return new ClusterSettings(
        commaList(config.getString("pushgate.cluster.seed-nodes")),
        Set.copyOf(commaList(config.getString("pushgate.cluster.roles"))));
  }

  /** True when other nodes may join: the journal must then be shared by all of them. */
  public boolean multiNode() {
    return !seedNodes.isEmpty();
  }

  public boolean has(String role) {
    return roles.contains(role);
  }

  /**
   * The Pekko settings this implies (seed nodes, roles), as an overlay over {@code config}.
   *
   * @throws IllegalStateException when several nodes would each use their own embedded H2 journal:
   *     sessions that move between nodes would lose their messages
   */
  public Config applyTo(Config config, JournalStore store) {
    if (multiNode() && store.embedded()) {
      throw new IllegalStateException(
          "Cluster mode (pushgate.cluster.seed-nodes / PUSHGATE_SEED_NODES is set) needs a shared"
              + " database: every node must use the same journal, or sessions that move between"
              + " nodes lose their messages. Set PUSHGATE_DB_URL=jdbc:mariadb://host:3306/db or"
              + " jdbc:postgresql://host:5432/db (and PUSHGATE_DB_USER / PUSHGATE_DB_PASSWORD), or"
              + " PUSHGATE_JOURNAL=cassandra, on every node. Embedded H2 is for a single node only.");
    }
    Config overlay =
        ConfigFactory.empty()
            .withValue(
                "pekko.cluster.roles",
                ConfigValueFactory.fromIterable(roles.stream().sorted().toList()));
    if (multiNode()) {
      overlay =
          overlay.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedNodes));
    }
    return overlay.withFallback(config);
  }

  private static List<String> commaList(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}

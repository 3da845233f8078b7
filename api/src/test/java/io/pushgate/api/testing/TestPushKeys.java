package io.pushgate.api.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import javax.net.ssl.SSLContext;

/**
 * Keys and certificates for the local provider servers: an RSA service-account key (FCM), an EC
 * P-256 signing key ({@code .p8}, APNs), and a test CA that signs a {@code localhost} server
 * certificate (the APNs server's TLS), made with the JDK's keytool.
 */
public final class TestPushKeys {

  private static final String PASSWORD = "push-test";

  private TestPushKeys() {}

  public static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  public static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A private key as the PKCS#8 PEM that providers hand out. */
  public static String pem(KeyPair keys) {
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(keys.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
  }

  /**
   * A test CA's certificate (PEM, written to {@code caPem}) and a server TLS context it signed for
   * localhost and 127.0.0.1.
   */
  public static SSLContext serverSignedByTestCa(Path dir, Path caPem) throws Exception {
    Path ca = dir.resolve("ca.p12");
    Path server = dir.resolve("server.p12");
    Path csr = dir.resolve("server.csr");
    Path cert = dir.resolve("server.pem");
    TestTls.keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=Pushgate Test CA",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        ca.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    TestTls.keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        caPem.toString());
    TestTls.keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-validity",
        "2",
        "-keystore",
        server.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    TestTls.keytool(
        "-certreq",
        "-alias",
        "server",
        "-keystore",
        server.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        csr.toString());
    TestTls.keytool(
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        PASSWORD,
        "-infile",
        csr.toString(),
        "-outfile",
        cert.toString(),
        "-rfc",
        "-validity",
        "2",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1");
    TestTls.keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caPem.toString(),
        "-keystore",
        server.toString(),
        "-storepass",
        PASSWORD);
    TestTls.keytool(
        "-importcert",
        "-alias",
        "server",
        "-file",
        cert.toString(),
        "-keystore",
        server.toString(),
        "-storepass",
        PASSWORD);
    return TestTls.serverContext(server, PASSWORD);
  }

  /** A Firebase service account JSON for this key, with its token endpoint at {@code tokenUri}. */
  public static String serviceAccount(KeyPair keys, String projectId, String tokenUri) {
    String pem = pem(keys).replace("\n", "\\n");
    return "{\"type\":\"service_account\",\"project_id\":\""
        + projectId
        + "\",\"private_key_id\":\"key-1\","
        + "\"private_key\":\""
        + pem
        + "\",\"client_email\":\"pushgate@"
        + projectId
        + ".iam.gserviceaccount.com\","
        + "\"token_uri\":\""
        + tokenUri
        + "\"}";
  }

  public static void write(Path file, String content) throws Exception {
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}

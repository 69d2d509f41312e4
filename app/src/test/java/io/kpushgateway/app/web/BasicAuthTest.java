package io.kpushgateway.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BasicAuthTest {

  private static final int COST = 4; // the minimum: these tests count checks, they do not time them

  private static String hash(String password) {
    return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
  }

  private static String header(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void rightPasswordOnlyAndSuccessIsRemembered() {
    BasicAuth auth = new BasicAuth(Map.of("alice", hash("secret"), "bob", hash("hunter2")));
    assertThat(auth.authenticate(header("alice", "secret"))).isTrue();
    assertThat(auth.bcryptChecks()).isEqualTo(1);
    assertThat(auth.authenticate(header("alice", "secret"))).isTrue();
    assertThat(auth.bcryptChecks()).isEqualTo(1); // cached
    assertThat(auth.authenticate(header("bob", "secret")))
        .isFalse(); // alice's password is not bob's
    assertThat(auth.authenticate(header("bob", "hunter2"))).isTrue();
  }

  @Test
  void everyFailureCostsABcryptCheckKnownUserOrNot() {
    BasicAuth auth = new BasicAuth(Map.of("alice", hash("secret")));
    for (int i = 1; i <= 3; i++) {
      assertThat(auth.authenticate(header("alice", "wrong"))).isFalse();
      assertThat(auth.bcryptChecks()).isEqualTo(2L * i - 1);
      // An unknown user costs a check as well (against a decoy hash): no timing shortcut.
      assertThat(auth.authenticate(header("mallory", "secret"))).isFalse();
      assertThat(auth.bcryptChecks()).isEqualTo(2L * i);
    }
  }

  @Test
  void malformedHeadersAreRefused() {
    BasicAuth auth = new BasicAuth(Map.of("alice", hash("secret")));
    assertThat(auth.authenticate(null)).isFalse();
    assertThat(auth.authenticate("Bearer abc")).isFalse();
    assertThat(auth.authenticate("Basic %%%")).isFalse();
    assertThat(auth.authenticate("Basic " + Base64.getEncoder().encodeToString("alice".getBytes())))
        .isFalse();
    assertThat(
            auth.authenticate(
                "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, ':', 's'})))
        .isFalse();
    // The scheme is case-insensitive and the password may hold colons, as in Go.
    BasicAuth colon = new BasicAuth(Map.of("alice", hash("a:b")));
    assertThat(colon.authenticate("basic " + header("alice", "a:b").substring(6))).isTrue();
  }

  @Test
  void hashesFromOtherToolsAndLongPasswordsVerifyAsInGo() {
    // htpasswd writes $2y$, Go and Python $2a$/$2b$.
    for (BCrypt.Version v :
        new BCrypt.Version[] {
          BCrypt.Version.VERSION_2A, BCrypt.Version.VERSION_2B, BCrypt.Version.VERSION_2Y
        }) {
      String h = BCrypt.with(v).hashToString(COST, "secret".toCharArray());
      assertThat(new BasicAuth(Map.of("u", h)).authenticate(header("u", "secret"))).as(h).isTrue();
    }
    // bcrypt reads at most 72 bytes of a password; longer ones verify by their first 72 bytes.
    byte[] first72 = new byte[72];
    Arrays.fill(first72, (byte) 'x');
    String h =
        new String(
            BCrypt.with(BCrypt.Version.VERSION_2Y, LongPasswordStrategies.none())
                .hash(COST, first72),
            StandardCharsets.UTF_8);
    BasicAuth auth = new BasicAuth(Map.of("u", h));
    assertThat(auth.authenticate(header("u", "x".repeat(72)))).isTrue();
    assertThat(auth.authenticate(header("u", "x".repeat(100)))).isTrue();
    assertThat(auth.authenticate(header("u", "x".repeat(71)))).isFalse();
  }

  @Test
  void theCacheStaysBounded() {
    // Only successes are cached, so fill it through many users.
    Map<String, String> many = new java.util.HashMap<>();
    for (int i = 0; i < BasicAuth.CACHE_SIZE + 20; i++) {
      many.put("u" + i, hash("p" + i));
    }
    BasicAuth big = new BasicAuth(many);
    for (int i = 0; i < BasicAuth.CACHE_SIZE + 20; i++) {
      assertThat(big.authenticate(header("u" + i, "p" + i))).isTrue();
    }
    assertThat(big.bcryptChecks()).isEqualTo(BasicAuth.CACHE_SIZE + 20);
    assertThat(big.remembered()).isBetween(1, BasicAuth.CACHE_SIZE);
    assertThat(big.authenticate(header("u0", "p0"))).isTrue(); // evicted or not, still right
  }
}

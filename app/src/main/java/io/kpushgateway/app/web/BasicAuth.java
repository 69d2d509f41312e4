package io.kpushgateway.app.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code basic_auth_users}: HTTP basic authentication against bcrypt hashes, as the toolkit does
 * it. bcrypt is slow on purpose, so a successful check is remembered under a SHA-256 digest of
 * user, hash and password (the hash is part of the key: a changed file invalidates it, and the
 * password itself is never kept). Failures are not remembered: every wrong password costs a full
 * bcrypt check, and an unknown user is checked against a decoy hash of the same cost, so timing
 * tells nothing about which users exist. Checks run one at a time, as the toolkit's, so a flood of
 * guesses occupies one core, not all.
 */
final class BasicAuth {

  /** As the toolkit's cache: at most this many remembered successes, a tenth evicted when full. */
  static final int CACHE_SIZE = 100;

  // Passwords longer than 72 bytes: only the first 72 count, as in Go's and OpenBSD's bcrypt.
  private static final BCrypt.Verifyer VERIFYER =
      BCrypt.verifyer(null, LongPasswordStrategies.none());

  private final Map<String, byte[]> hashes = new HashMap<>();
  private final byte[] decoyHash;
  private final Set<String> verified = ConcurrentHashMap.newKeySet();
  private final Object bcryptLock = new Object();
  private final AtomicLong bcryptChecks = new AtomicLong();

  BasicAuth(Map<String, String> users) {
    int cost = BCrypt.MIN_COST;
    for (Map.Entry<String, String> u : users.entrySet()) {
      byte[] hash = u.getValue().getBytes(StandardCharsets.UTF_8);
      hashes.put(u.getKey(), hash);
      try {
        cost = Math.max(cost, BCrypt.Version.VERSION_2A.parser.parse(hash).cost);
      } catch (at.favre.lib.crypto.bcrypt.IllegalBCryptFormatException e) {
        throw new WebConfigException(
            "basic_auth_users: user \"" + u.getKey() + "\": not a bcrypt hash");
      }
    }
    decoyHash = decoy(cost);
  }

  /**
   * Whether {@code authorization} (the request header, may be null) names a user and its password.
   */
  boolean authenticate(String authorization) {
    byte[] credentials = decode(authorization);
    if (credentials == null) {
      return false;
    }
    int colon = indexOf(credentials, (byte) ':');
    if (colon < 0) {
      Arrays.fill(credentials, (byte) 0);
      return false;
    }
    byte[] user = Arrays.copyOfRange(credentials, 0, colon);
    byte[] password = Arrays.copyOfRange(credentials, colon + 1, credentials.length);
    Arrays.fill(credentials, (byte) 0);
    try {
      String name = utf8(user);
      byte[] hash = name == null ? null : hashes.get(name);
      if (hash == null) {
        check(password, decoyHash); // the same cost as a real user's check, and always false
        return false;
      }
      String key = cacheKey(user, hash, password);
      if (verified.contains(key)) {
        return true;
      }
      if (!check(password, hash)) {
        return false;
      }
      remember(key);
      return true;
    } finally {
      Arrays.fill(password, (byte) 0);
    }
  }

  /** How many bcrypt checks ran: tests see what was cached and what was not. */
  long bcryptChecks() {
    return bcryptChecks.get();
  }

  /** How many successes are remembered now. */
  int remembered() {
    return verified.size();
  }

  private boolean check(byte[] password, byte[] hash) {
    synchronized (bcryptLock) {
      bcryptChecks.incrementAndGet();
      return VERIFYER.verify(password, hash).verified;
    }
  }

  private void remember(String key) {
    if (verified.size() >= CACHE_SIZE) {
      // Keys are SHA-256 digests, so the set's iteration order is as good as random.
      int evict = Math.max(1, verified.size() / 10);
      Iterator<String> it = verified.iterator();
      while (evict-- > 0 && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    verified.add(key);
  }

  /** Go's {@code Request.BasicAuth}: "Basic " (any case), then base64 of user:password. */
  private static byte[] decode(String authorization) {
    String prefix = "Basic ";
    if (authorization == null
        || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(authorization.substring(prefix.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Strict UTF-8, so no two different byte strings name the same user. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String cacheKey(byte[] user, byte[] hash, byte[] password) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] part : new byte[][] {user, hash, password}) {
        sha.update(
            ByteBuffer.allocate(4).putInt(part.length).array()); // length-prefixed: unambiguous
        sha.update(part);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /**
   * A well-formed hash of the given cost that no password matches (random salt and digest): a check
   * against it costs what a real one does.
   */
  private static byte[] decoy(int cost) {
    SecureRandom random = new SecureRandom();
    byte[] salt = new byte[BCrypt.SALT_LENGTH];
    byte[] digest = new byte[23];
    random.nextBytes(salt);
    random.nextBytes(digest);
    BCrypt.Version version = BCrypt.Version.VERSION_2Y;
    return version.formatter.createHashMessage(new BCrypt.HashData(cost, version, salt, digest));
  }
}

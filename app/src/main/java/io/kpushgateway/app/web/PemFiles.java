package io.kpushgateway.app.web;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM certificates and private keys, read with BouncyCastle's PEM parser and turned into JDK
 * objects (the JDK's own providers do the crypto; BouncyCastle is not registered as a provider).
 * Accepts what Go's {@code tls.X509KeyPair} accepts: PKCS#8, PKCS#1 RSA and SEC 1 EC keys,
 * unencrypted.
 */
final class PemFiles {

  private PemFiles() {}

  /** Every certificate in {@code file}, in order (leaf first for a chain); other blocks skipped. */
  static List<X509Certificate> certificates(Path file, String key) {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          certificates.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new WebConfigException("cannot read " + key + " " + file + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new WebConfigException(key + " " + file + " holds no PEM certificate");
    }
    return certificates;
  }

  /** The first private key in {@code file}. */
  static PrivateKey privateKey(Path file, String key) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    boolean sawCertificate = false;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof PEMKeyPair pair) { // PKCS#1 "RSA PRIVATE KEY", SEC 1 "EC PRIVATE KEY"
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        } else if (o instanceof PrivateKeyInfo info) { // PKCS#8 "PRIVATE KEY"
          return converter.getPrivateKey(info);
        } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new WebConfigException(
              key
                  + " "
                  + file
                  + " holds an encrypted private key; the gateway needs it unencrypted"
                  + " (e.g. openssl pkcs8 -topk8 -nocrypt)");
        } else if (o instanceof X509CertificateHolder) {
          sawCertificate = true;
        }
      }
    } catch (WebConfigException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new WebConfigException("cannot read " + key + " " + file + ": " + e.getMessage(), e);
    }
    throw new WebConfigException(
        key
            + " "
            + file
            + (sawCertificate
                ? " holds a certificate, not a private key"
                : " holds no PEM private key"));
  }

  /**
   * Fails unless {@code key} belongs to {@code certificate}, as Go's {@code X509KeyPair} checks: a
   * mismatch would otherwise surface only as failed handshakes.
   */
  static void checkPair(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
    PublicKey publicKey = certificate.getPublicKey();
    String mismatch =
        "the private key in key_file "
            + keyFile
            + " does not match the certificate in cert_file "
            + certFile;
    if (!sameFamily(publicKey.getAlgorithm(), key.getAlgorithm())) {
      throw new WebConfigException(
          mismatch
              + " (a "
              + key.getAlgorithm()
              + " key for a "
              + publicKey.getAlgorithm()
              + " certificate)");
    }
    if (key instanceof RSAKey rsaKey && publicKey instanceof RSAKey rsaPublic) {
      if (!rsaKey.getModulus().equals(rsaPublic.getModulus())) {
        throw new WebConfigException(mismatch);
      }
      return;
    }
    // Other key types: sign a random challenge and verify it with the certificate's key.
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
          default -> null;
        };
    if (algorithm == null) {
      return; // a key type we cannot probe: the handshake will tell
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      if (!verifier.verify(signature)) {
        throw new WebConfigException(mismatch);
      }
    } catch (GeneralSecurityException e) {
      throw new WebConfigException(mismatch + ": " + e.getMessage(), e);
    }
  }

  private static boolean sameFamily(String a, String b) {
    return a.equals(b) || (isEdwards(a) && isEdwards(b));
  }

  private static boolean isEdwards(String algorithm) {
    return algorithm.equals("EdDSA") || algorithm.equals("Ed25519") || algorithm.equals("Ed448");
  }
}
